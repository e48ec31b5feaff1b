// Every tunable default of the scorers, in one place.

export const SCORING_DEFAULTS = {
  /** CFLUE evaluation mode: "seed" reproduces eval.py's letter rule; "strict" rejects prose in the box. */
  cflueMode: "seed" as "seed" | "strict",
  finqa: {
    /**
     * Relative tolerance for FinQA numeric answers. 1% accepts the usual display rounding of a 5-decimal
     * gold ("9.4%" for 0.09371 is 0.3% off) while still separating different answers; public FinQA scorers
     * use 0.15%–4%.
     */
    relTol: 0.01,
    /** Absolute floor so golds at or near 0 are not held to an impossible relative bound. */
    absTol: 1e-4,
    /**
     * Read a bare number as a percent (printed/100) when the gold is a ratio, |gold| ≤ 1: FinQA stores percentages
     * as fractions (0.0937) and models often print "9.37". Never applied to a printed "%" or to golds above 1.
     */
    percentEither: true,
    /** A committed answer without a box or "the answer is" is read whole when it is at most this long (characters). */
    shortAnswerChars: 300,
    /** Accept answers that differ from the gold by exactly 10^3, 10^6 or 10^9 (units mismatch). Off: lenient. */
    scaleEither: false,
  },
} as const;
