# exported from CNN Lab for Keras.
#
# From the network:
#   input 6x6x2
#   conv 3 3x3
#   batchnorm
#   relu
#   depthwise 2x2 multiplier 2
#   flatten
#   batchnorm
#   dense 5
#   batchnorm
#   tanh
#   dense 3

import keras
from keras import layers

model = keras.Sequential([
    keras.Input(shape=(6, 6, 2)),
    layers.Conv2D(3, (3, 3), padding="valid"),  # 4×4×3
    layers.BatchNormalization(momentum=0.9, epsilon=0.00001),  # 4×4×3
    layers.ReLU(),  # 4×4×3
    layers.DepthwiseConv2D((2, 2), padding="valid", depth_multiplier=2),  # 3×3×6
    layers.Flatten(),  # 54
    layers.BatchNormalization(momentum=0.9, epsilon=0.00001),  # 54
    layers.Dense(5),  # 5
    layers.BatchNormalization(momentum=0.9, epsilon=0.00001),  # 5
    layers.Activation("tanh"),  # 5
    layers.Dense(3),  # 3
])
model.summary()

# Shape check: every layer's output (channels last), as the CNN Lab table shows them.
expected = [
    (4, 4, 3),
    (4, 4, 3),
    (4, 4, 3),
    (3, 3, 6),
    (54,),
    (54,),
    (5,),
    (5,),
    (5,),
    (3,),
]
for layer, want in zip(model.layers, expected):
    got = tuple(layer.output.shape)[1:]
    assert got == want, f"{layer.name}: {got} != {want}"
assert model.count_params() == 628, model.count_params()
print("parameters:", model.count_params())

# Trained weights: PyTorch state_dict names, converted to Keras's channels-last order.
import json
import os
import struct
import sys
import numpy as np


def read_safetensors(path):
    try:
        from safetensors.numpy import load_file
        return load_file(path)
    except ImportError:
        pass
    # The format: 8 bytes of little-endian header length, a JSON header, then the raw little-endian tensors.
    dtypes = {"F32": "<f4", "F64": "<f8", "F16": "<f2", "I64": "<i8", "I32": "<i4"}
    with open(path, "rb") as f:
        n = struct.unpack("<Q", f.read(8))[0]
        header = json.loads(f.read(n))
        data = f.read()
    tensors = {}
    for name, t in header.items():
        if name == "__metadata__":
            continue
        begin, end = t["data_offsets"]
        tensors[name] = np.frombuffer(data[begin:end], dtype=dtypes[t["dtype"]]).reshape(t["shape"])
    return tensors


def conv_kernel(w):
    # PyTorch (out, in / groups, kh, kw) → Keras (kh, kw, in / groups, out)
    return np.transpose(w, (2, 3, 1, 0))


def depthwise_kernel(w, channels, multiplier):
    # PyTorch (channels · multiplier, 1, kh, kw) → Keras DepthwiseConv2D (kh, kw, channels, multiplier)
    return np.transpose(w.reshape(channels, multiplier, w.shape[2], w.shape[3]), (2, 3, 0, 1))


def transposed_kernel(w):
    # PyTorch ConvTranspose2d (in, out, kh, kw) → Keras Conv2DTranspose (kh, kw, out, in)
    return np.transpose(w, (2, 3, 1, 0))


def hwc_features(v, chw):
    # A vector over the features of a flattened C×H×W map: PyTorch's C, H, W order → Keras's H, W, C order
    c, h, w = chw
    return np.transpose(v.reshape(c, h, w), (1, 2, 0)).reshape(-1)


def dense_kernel(w, chw=None):
    # PyTorch (out, in) → Keras (in, out); after a Flatten of a C×H×W map the inputs go from C, H, W to H, W, C order
    if chw is not None:
        c, h, wd = chw
        w = np.transpose(w.reshape(w.shape[0], c, h, wd), (0, 2, 3, 1)).reshape(w.shape[0], -1)
    return w.T


weights_path = sys.argv[1] if len(sys.argv) > 1 else os.path.join(os.path.dirname(os.path.abspath(__file__)), "model.safetensors")
state = {k: v.astype(np.float32) for k, v in read_safetensors(weights_path).items() if not k.endswith("num_batches_tracked")}
keras_layers = [layer for layer in model.layers if layer.weights]
assert len(keras_layers) == 7, f"{len(keras_layers)} Keras layers with weights, CNN Lab has 7"
keras_layers[0].set_weights([conv_kernel(state["0.weight"]), state["0.bias"]])
keras_layers[1].set_weights([state["1.weight"], state["1.bias"], state["1.running_mean"], state["1.running_var"]])
keras_layers[2].set_weights([depthwise_kernel(state["3.weight"], 3, 2), state["3.bias"]])
keras_layers[3].set_weights([hwc_features(state["5.weight"], (6, 3, 3)), hwc_features(state["5.bias"], (6, 3, 3)), hwc_features(state["5.running_mean"], (6, 3, 3)), hwc_features(state["5.running_var"], (6, 3, 3))])  # features of a flattened map: C, H, W → H, W, C
keras_layers[4].set_weights([dense_kernel(state["6.weight"], (6, 3, 3)), state["6.bias"]])  # inputs of a flattened map: C, H, W → H, W, C
keras_layers[5].set_weights([state["7.weight"], state["7.bias"], state["7.running_mean"], state["7.running_var"]])
keras_layers[6].set_weights([dense_kernel(state["9.weight"]), state["9.bias"]])
print("weights loaded:", weights_path)
