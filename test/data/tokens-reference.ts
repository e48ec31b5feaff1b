// Reference data produced once with the Rust tokenizer (Python `tokenizers` 0.23.2) on the same
// tokenizer.json, and the Qwen2.5 chat template from tokenizer_config.json rendered with jinja2
// (trim_blocks, lstrip_blocks, add_generation_prompt=True), as transformers does. Regenerate only if the
// tokenizer package changes.

export const REFERENCE_TEXTS: ReadonlyArray<{ text: string; ids: number[] }> = [
  { text: "Hello world! 你好，世界！", ids: [9707, 1879, 0, 220, 108386, 3837, 99489, 6313] },
  { text: "", ids: [] },
  { text: "   leading and trailing   ", ids: [256, 6388, 323, 27748, 262] },
  {
    text: "资本充足率 = 资本 / 风险加权资产；\n\n选项：A. 对\nB. 错",
    ids: [
      100429, 103119, 95355, 284, 8908, 113, 226, 21894, 608, 18137, 96, 236, 99567, 20929, 40981, 99814, 24968, 271, 109487, 5122, 32, 13, 69162, 198, 33, 13,
      93178, 247,
    ],
  },
  {
    text: "<think>推理</think>\n<answer>最终答案：\\boxed{ABD}</answer>",
    ids: [13708, 766, 29, 113272, 522, 26865, 397, 27, 9217, 29, 103941, 102349, 5122, 59, 79075, 90, 1867, 35, 5361, 9217, 29],
  },
  {
    text: "emoji 📈💹 🇨🇳 and math $x^{2}+\\frac{1}{2}$ 1,234,567.89 (1,234)",
    ids: [
      37523, 11162, 241, 230, 151395, 11162, 229, 101, 145754, 323, 6888, 400, 87, 47822, 17, 92, 41715, 37018, 90, 16, 15170, 17, 31716, 220, 16, 11, 17, 18,
      19, 11, 20, 21, 22, 13, 23, 24, 320, 16, 11, 17, 18, 19, 8,
    ],
  },
  {
    text: "Ｔｈｅ　ａｎｓｗｅｒ　ｉｓ　Ｃ。\t\ttabs\r\nCRLF",
    ids: [
      136404, 144455, 144115, 22441, 144127, 144270, 144319, 135116, 144115, 144282, 22441, 144155, 144319, 22441, 134557, 1773, 197, 3244, 3435, 319, 34,
      80658,
    ],
  },
];

export const REFERENCE_CHATS: ReadonlyArray<{ messages: Array<{ role: "system" | "user" | "assistant"; content: string }>; rendered: string; tokens: number }> =
  [
    {
      messages: [{ role: "user", content: "Hello" }],
      rendered:
        "<|im_start|>system\nYou are Qwen, created by Alibaba Cloud. You are a helpful assistant.<|im_end|>\n<|im_start|>user\nHello<|im_end|>\n<|im_start|>assistant\n",
      tokens: 30,
    },
    {
      messages: [
        { role: "system", content: "你是金融专家。" },
        { role: "user", content: "第1题：下列哪些属于货币政策工具？\nA. 公开市场操作\nB. 再贴现" },
      ],
      rendered:
        "<|im_start|>system\n你是金融专家。<|im_end|>\n<|im_start|>user\n第1题：下列哪些属于货币政策工具？\nA. 公开市场操作\nB. 再贴现<|im_end|>\n<|im_start|>assistant\n",
      tokens: 41,
    },
    {
      messages: [
        { role: "user", content: "q" },
        { role: "assistant", content: "a" },
        { role: "user", content: "多轮 follow-up" },
      ],
      rendered:
        "<|im_start|>system\nYou are Qwen, created by Alibaba Cloud. You are a helpful assistant.<|im_end|>\n<|im_start|>user\nq<|im_end|>\n<|im_start|>assistant\na<|im_end|>\n<|im_start|>user\n多轮 follow-up<|im_end|>\n<|im_start|>assistant\n",
      tokens: 45,
    },
  ];
