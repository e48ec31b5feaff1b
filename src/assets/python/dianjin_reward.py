"""DianJin-R1 CFLUE reward for verl (custom_reward_function.name = compute_score).

Pure standard library, Python 3.8+. Shipped by dianjin-train; the TypeScript twin is
src/scoring/{answer,cflue}.ts and a parity test keeps the two identical.

Rule: the reward is 1.0 only when
  1. each of the tags <think>, </think>, <answer>, </answer> occurs exactly once (literal,
     case-sensitive), <think> comes before </think>, <answer> before </answer>, and the
     answer block starts after </think>;
  2. the answer block contains at least one complete \\boxed{...} (braces balanced); the
     last top-level box is used;
  3. the set of ASCII capitals A-G in that box equals the set of A-G letters in the gold
     answer (e.g. gold "ABD" matches \\boxed{D, B, A}).
Everything else scores 0.0, and so does any internal error: this function never raises.

Edge-case decisions (the same comments sit in src/scoring/answer.ts and cflue.ts):
  * Tags are counted as literal substrings, not with the seed's non-greedy regex, so
    nested or duplicated tags (<think><think>x</think>) fail instead of counting as one.
  * An answer nested inside the reasoning, or placed before it, fails.
  * Text before <think> or after </answer> is ignored (as in the seed).
  * Only the exact spelling \\boxed{ opens a box. Braces are counted raw (\\{ is not an
    escape). A box inside a box belongs to the outer box. An opener with no closing brace
    is skipped and the scan continues right after it.
  * Boxes outside the answer block are ignored.
  * Letters: only ASCII A-G count. Lowercase (a), full-width (U+FF21) and H-Z letters are
    ignored, so \\boxed{AH} reads "A" and \\boxed{B. Equity} reads "BE" (the seed's
    behaviour; the prompt asks for bare letters).
  * An empty box, or a box without any A-G letter, reads as the empty set and never
    matches; a gold without any A-G letter never scores.
  * Non-string solution_str or ground_truth scores 0.0.

Optional dict return: call with return_dict=True (for verl, pass
+custom_reward_function.reward_kwargs.return_dict=true) to get
  {"score": 1.0|0.0, "acc": 1.0|0.0, "format_ok": 1.0|0.0}
format_ok is a float so verl can average it as a validation metric; acc equals score.
"""

THINK_OPEN = "<think>"
THINK_CLOSE = "</think>"
ANSWER_OPEN = "<answer>"
ANSWER_CLOSE = "</answer>"
BOX_OPEN = "\\boxed{"
OPTION_LETTERS = "ABCDEFG"


def _answer_block(text):
    """Content of the answer block when the think/answer layout is valid, else None."""
    for tag in (THINK_OPEN, THINK_CLOSE, ANSWER_OPEN, ANSWER_CLOSE):
        if text.count(tag) != 1:
            return None
    think_open = text.index(THINK_OPEN)
    think_close = text.index(THINK_CLOSE)
    answer_open = text.index(ANSWER_OPEN)
    answer_close = text.index(ANSWER_CLOSE)
    if think_close < think_open + len(THINK_OPEN):
        return None
    if answer_close < answer_open + len(ANSWER_OPEN):
        return None
    if answer_open < think_close + len(THINK_CLOSE):
        return None
    return text[answer_open + len(ANSWER_OPEN):answer_close]


def _matching_brace(text, start):
    depth = 1
    for i in range(start, len(text)):
        c = text[i]
        if c == "{":
            depth += 1
        elif c == "}":
            depth -= 1
            if depth == 0:
                return i
    return -1


def _last_boxed(text):
    """Content of the last top-level \\boxed{...}, or None."""
    last = None
    start = 0
    while True:
        at = text.find(BOX_OPEN, start)
        if at == -1:
            return last
        content_start = at + len(BOX_OPEN)
        end = _matching_brace(text, content_start)
        if end == -1:
            start = content_start
            continue
        last = text[content_start:end]
        start = end + 1


def _letter_set(text):
    return "".join(letter for letter in OPTION_LETTERS if letter in text)


def _judge(solution_str, ground_truth):
    """Return (score, format_ok)."""
    if not isinstance(solution_str, str) or not isinstance(ground_truth, str):
        return 0.0, False
    answer = _answer_block(solution_str)
    if answer is None:
        return 0.0, False
    box = _last_boxed(answer)
    if box is None:
        return 0.0, False
    wanted = _letter_set(ground_truth)
    if wanted == "":
        return 0.0, True
    return (1.0 if _letter_set(box) == wanted else 0.0), True


def _truthy(value):
    # Hydra passes booleans, but a quoted override can arrive as the string "false".
    if isinstance(value, str):
        return value.strip().lower() in ("1", "true", "yes")
    return bool(value)


def compute_score(data_source, solution_str, ground_truth, extra_info=None, **kwargs):
    """verl entry point. data_source and extra_info are accepted and ignored."""
    return_dict = _truthy(kwargs.get("return_dict", False))
    try:
        score, format_ok = _judge(solution_str, ground_truth)
    except Exception:  # never fail a training batch because of one odd response
        score, format_ok = 0.0, False
    if return_dict:
        return {"score": score, "acc": score, "format_ok": 1.0 if format_ok else 0.0}
    return score
