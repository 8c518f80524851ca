# exported from CNN Lab for Keras.

import keras
from keras import layers

# Shape check: each layer's output (channels last, without the batch) is asserted as the model is built.
def expect(tensor, want):
    got = tuple(tensor.shape)[1:]
    assert got == want, f"{got} != {want}"

inputs = keras.Input(shape=(8, 8, 1))
x = inputs
x = layers.Conv2D(4, (3, 3), padding="same")(x)  # 8×8×4
expect(x, (8, 8, 4))
x = layers.BatchNormalization(momentum=0.9, epsilon=0.00001)(x)  # 8×8×4
expect(x, (8, 8, 4))
x = layers.ReLU()(x)  # 8×8×4
expect(x, (8, 8, 4))
# Residual block: 8×8×4 = body + identity shortcut
shortcut = x
x = layers.Conv2D(4, (3, 3), padding="same")(x)  # 8×8×4
expect(x, (8, 8, 4))
x = layers.ReLU()(x)  # 8×8×4
expect(x, (8, 8, 4))
x = layers.Conv2D(4, (3, 3), padding="same")(x)  # 8×8×4
expect(x, (8, 8, 4))
x = layers.BatchNormalization(momentum=0.9, epsilon=0.00001)(x)  # 8×8×4
expect(x, (8, 8, 4))
x = layers.Add()([x, shortcut])  # 8×8×4 (end of the block)
expect(x, (8, 8, 4))
x = layers.ReLU()(x)  # 8×8×4
expect(x, (8, 8, 4))
# Residual block: 4×4×8 = body + projection shortcut
shortcut = x
x = layers.ZeroPadding2D(((1, 1), (1, 1)))(x)  # explicit padding
expect(x, (10, 10, 4))
x = layers.Conv2D(8, (3, 3), strides=(2, 2), padding="valid")(x)  # 4×4×8
expect(x, (4, 4, 8))
x = layers.BatchNormalization(momentum=0.9, epsilon=0.00001)(x)  # 4×4×8
expect(x, (4, 4, 8))
x = layers.ReLU()(x)  # 4×4×8
expect(x, (4, 4, 8))
x = layers.Conv2D(8, (3, 3), padding="same")(x)  # 4×4×8
expect(x, (4, 4, 8))
shortcut = layers.Conv2D(8, (1, 1), strides=(2, 2), padding="valid", use_bias=False)(shortcut)  # 4×4×8
expect(shortcut, (4, 4, 8))
shortcut = layers.BatchNormalization(momentum=0.9, epsilon=0.00001)(shortcut)  # 4×4×8
expect(shortcut, (4, 4, 8))
x = layers.Add()([x, shortcut])  # 4×4×8 (end of the block)
expect(x, (4, 4, 8))
x = layers.ReLU()(x)  # 4×4×8
expect(x, (4, 4, 8))
# Residual block: 4×4×8 = body + identity shortcut
shortcut = x
x = layers.ReLU()(x)  # 4×4×8
expect(x, (4, 4, 8))
# Residual block: 4×4×8 = body + identity shortcut
shortcut2 = x
x = layers.Conv2D(8, (3, 3), padding="same")(x)  # 4×4×8
expect(x, (4, 4, 8))
x = layers.Add()([x, shortcut2])  # 4×4×8 (end of the block)
expect(x, (4, 4, 8))
x = layers.Conv2D(8, (1, 1), padding="valid")(x)  # 4×4×8
expect(x, (4, 4, 8))
x = layers.Add()([x, shortcut])  # 4×4×8 (end of the block)
expect(x, (4, 4, 8))
x = layers.GlobalAveragePooling2D()(x)  # 8
expect(x, (8,))
x = layers.Dense(10)(x)  # 10
expect(x, (10,))
model = keras.Model(inputs, x)
model.summary()

assert model.count_params() == 2090, model.count_params()
print("parameters:", model.count_params())
