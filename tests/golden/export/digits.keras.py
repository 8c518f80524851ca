# exported from CNN Lab for Keras.

import keras
from keras import layers

model = keras.Sequential([
    keras.Input(shape=(8, 8, 1)),
    layers.Conv2D(8, (3, 3), padding="same"),  # 8×8×8
    layers.ReLU(),  # 8×8×8
    layers.MaxPooling2D((2, 2), strides=(2, 2)),  # 4×4×8
    layers.Flatten(),  # 128
    layers.Dense(10),  # 10
    layers.Softmax(),  # 10
])
model.summary()

# Shape check: every layer's output (channels last), as the CNN Lab table shows them.
expected = [
    (8, 8, 8),
    (8, 8, 8),
    (4, 4, 8),
    (128,),
    (10,),
    (10,),
]
for layer, want in zip(model.layers, expected):
    got = tuple(layer.output.shape)[1:]
    assert got == want, f"{layer.name}: {got} != {want}"
assert model.count_params() == 1370, model.count_params()
print("parameters:", model.count_params())
