# exported from CNN Lab for Keras.

import keras
from keras import layers

model = keras.Sequential([
    keras.Input(shape=(12, 12, 8)),
    layers.Conv2D(16, (3, 3), padding="same", groups=4),  # 12×12×16
    layers.BatchNormalization(momentum=0.9, epsilon=0.00001),  # 12×12×16
    layers.ReLU(),  # 12×12×16
    layers.ZeroPadding2D(((1, 1), (1, 1))),  # explicit padding
    layers.DepthwiseConv2D((3, 3), strides=(2, 2), padding="valid", depth_multiplier=2),  # 6×6×32
    layers.Conv2DTranspose(8, (3, 3), strides=(2, 2), padding="valid", output_padding=(1, 1)),  # 14×14×8
    layers.Cropping2D(((1, 1), (1, 1))),  # 12×12×8 (PyTorch's padding (1, 1))
    layers.AveragePooling2D((3, 3), strides=(3, 3)),  # 4×4×8
    layers.GlobalAveragePooling2D(),  # 8
    layers.BatchNormalization(momentum=0.9, epsilon=0.00001),  # 8
    layers.Dense(10),  # 10
])
model.summary()

# Shape check: every layer's output (channels last), as the CNN Lab table shows them.
expected = [
    (12, 12, 16),
    (12, 12, 16),
    (12, 12, 16),
    (14, 14, 16),
    (6, 6, 32),
    (14, 14, 8),
    (12, 12, 8),
    (4, 4, 8),
    (8,),
    (8,),
    (10,),
]
for layer, want in zip(model.layers, expected):
    got = tuple(layer.output.shape)[1:]
    assert got == want, f"{layer.name}: {got} != {want}"
assert model.count_params() == 3122, model.count_params()
print("parameters:", model.count_params())
