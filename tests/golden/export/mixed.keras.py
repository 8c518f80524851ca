# exported from CNN Lab for Keras.

import keras
from keras import layers

model = keras.Sequential([
    keras.Input(shape=(32, 32, 3)),
    layers.Conv2D(8, (3, 3), strides=(2, 2), padding="same"),  # 16×16×8
    layers.LeakyReLU(0.1),  # 16×16×8
    layers.Conv2D(4, (3, 3), padding="valid", dilation_rate=(2, 2)),  # 12×12×4
    layers.Activation("tanh"),  # 12×12×4
    layers.ZeroPadding2D(((0, 1), (0, 1))),  # padding for PyTorch's ceil_mode
    layers.MaxPooling2D((3, 3), strides=(2, 2)),  # 6×6×4
    layers.ZeroPadding2D(((1, 1), (1, 1))),  # pool padding
    layers.AveragePooling2D((2, 2), strides=(1, 1)),  # 7×7×4 (Keras averages the zero padding in)
    layers.Conv2D(4, (3, 3), strides=(3, 2), padding="same"),  # 3×4×4
    layers.Flatten(),  # 48
    layers.Dropout(0.25),  # 48
    layers.Dense(10, use_bias=False),  # 10
    layers.Activation("sigmoid"),  # 10
])
model.summary()

# Shape check: every layer's output (channels last), as the CNN Lab table shows them.
expected = [
    (16, 16, 8),
    (16, 16, 8),
    (12, 12, 4),
    (12, 12, 4),
    (13, 13, 4),
    (6, 6, 4),
    (8, 8, 4),
    (7, 7, 4),
    (3, 4, 4),
    (48,),
    (48,),
    (10,),
    (10,),
]
for layer, want in zip(model.layers, expected):
    got = tuple(layer.output.shape)[1:]
    assert got == want, f"{layer.name}: {got} != {want}"
assert model.count_params() == 1144, model.count_params()
print("parameters:", model.count_params())
