/** Issue 19's example block, as written there: a stem, an identity block and a projection block. */
export const MINI_RESNET = `input 32x32x3
conv 16 3x3 pad 1
batchnorm
relu
residual                 # y = F(x) + x
  conv 16 3x3 pad 1
  batchnorm
  relu
  conv 16 3x3 pad 1
  batchnorm
end
relu
residual project         # the shortcut is a 1×1 conv (and batch norm) when shapes differ
  conv 32 3x3 stride 2 pad 1
  batchnorm
  relu
  conv 32 3x3 pad 1
  batchnorm
end
relu
gap
dense 10`;
