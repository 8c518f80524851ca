# exported from CNN Lab for Keras.

import keras
from keras import layers

model = keras.Sequential([
    keras.Input(shape=(32, 32, 1)),
    layers.Conv2D(6, (5, 5), padding="valid"),  # 28×28×6
    layers.ReLU(),  # 28×28×6
    layers.MaxPooling2D((2, 2), strides=(2, 2)),  # 14×14×6
    layers.Conv2D(16, (5, 5), padding="valid"),  # 10×10×16
    layers.ReLU(),  # 10×10×16
    layers.MaxPooling2D((2, 2), strides=(2, 2)),  # 5×5×16
    layers.Flatten(),  # 400
    layers.Dense(120),  # 120
    layers.ReLU(),  # 120
    layers.Dense(84),  # 84
    layers.ReLU(),  # 84
    layers.Dense(10),  # 10
])
model.summary()

# Shape check: every layer's output (channels last), as the CNN Lab table shows them.
expected = [
    (28, 28, 6),
    (28, 28, 6),
    (14, 14, 6),
    (10, 10, 16),
    (10, 10, 16),
    (5, 5, 16),
    (400,),
    (120,),
    (120,),
    (84,),
    (84,),
    (10,),
]
for layer, want in zip(model.layers, expected):
    got = tuple(layer.output.shape)[1:]
    assert got == want, f"{layer.name}: {got} != {want}"
assert model.count_params() == 61706, model.count_params()
print("parameters:", model.count_params())
