// MoGe-2 ViT-S, the author's ONNX export: metric point map, normals, mask and metric scale from one image.
import type { ModelManifest } from '../manifest';

export const moge2Manifest: ModelManifest = {
  id: 'moge-2-vits',
  name: 'MoGe-2 ViT-S',
  role: 'geometry',
  repo: 'Ruicheng/moge-2-vits-normal-onnx',
  revision: 'main',
  license: 'MIT',
  files: [],
  variants: [
    {
      id: 'fp32',
      files: [
        {
          path: 'model.onnx',
          bytes: 140_852_051,
          sha256: '24eacb5dc7a2c54c7bc98f7de085ffbed79ad006ea5b664c2c2cdc02ff3a52f0',
        },
      ],
    },
  ],
  io: {
    model: {
      inputs: [
        { name: 'image', type: 'float32', shape: ['batch_size', 3, 'height', 'width'] },
        { name: 'num_tokens', type: 'int64', shape: [] },
      ],
      outputs: [
        { name: 'points', type: 'float32', shape: ['batch_size', 'height', 'width', 3] },
        { name: 'normal', type: 'float32', shape: ['batch_size', 'height', 'width', 3] },
        { name: 'mask', type: 'float32', shape: ['batch_size', 'height', 'width'] },
        { name: 'metric_scale', type: 'float32', shape: ['batch_size'] },
      ],
    },
  },
  docs: [
    'Confirmed from source (the hosted file itself could not be opened here):',
    '- microsoft/MoGe docs/onnx.md lists Ruicheng/moge-2-vit{s,b,l}-normal-onnx as the official exports (FP32, dynamic',
    '  resolution, variable token count) and gives the export call: inputs `image`, `num_tokens` (0-d int64 tensor),',
    "  outputs `points`, `normal`, `mask`, `metric_scale`, dynamic axes image {0:'batch_size',2:'height',3:'width'}, opset 14.",
    '- moge/model/v2.py forward(): image RGB 0..1 (ImageNet normalisation inside the encoder), resized in the graph to',
    '  14·(round(√(n/aspect)), round(√(n·aspect))) bilinear without antialias in ONNX mode; outputs at the input size:',
    '  points [B,H,W,3] affine (unknown z-shift, scale), normal [B,H,W,3] unit, mask [B,H,W] sigmoid, metric_scale [B] exp.',
    '  Focal/shift recovery is outside the graph (recover_focal_shift in moge/utils/geometry_torch.py), done in',
    '  src/geometry/moge.ts. num_tokens_range [1200, 3600].',
    '- File layout `model.onnx` at the repo root, 140,852,051 bytes, SHA-256 24eacb5d…3a52f0: the same figures in three',
    '  independent third-party pins (a model ledger pinning revision e50ffda41565591092adea54c6ac83d6212e1e23, a Python',
    '  model registry, a Bazel download rule); browser apps fetch resolve/main/model.onnx.',
    'Assumed: the exported graph keeps the export script names. One third-party Rust reader says the published file',
    'names the scale output `scale`; MogeDepthModel accepts either `metric_scale` or `scale`. Output symbolic dim',
    'names are not known (torch generates them); only the input dims above are from the export call.',
  ].join('\n'),
};
