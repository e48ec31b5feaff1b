// The version of the scorers' rules. Bump it whenever a rule below changes a verdict; it is written into
// scores.json (`scoring_version`) and shown beside every score in the report, so a published number names the rules
// that produced it. `dianjin-train rescore` re-scores saved answers with the current version.
//
// 1: the first rules (last number of the answer, ×100/÷100 leniency for any gold, labels only from boxes).
// 2: rules read answers as a careful grader does (README "Scoring rules"): FinQA fractions, sign words, the asserted
//    number (not a year or a comparison figure), percent leniency only for ratio golds, ambiguity is wrong; CCC labels
//    with decorations, sentences, yes/no and 无/有, whole-content answers; CFLUE strict option letters named first,
//    lowercase, full-width, 选项B; format compliance for templates that pre-fill <think>.
export const SCORING_VERSION = 2;

/** scores.json files written before versioning carry no `scoring_version`: they were scored by version 1. */
export const UNVERSIONED_SCORING = 1;
