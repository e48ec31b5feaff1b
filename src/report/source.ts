/** Where the paper rows come from; printed under the table in both formats. */
export const PAPER_SOURCE = "DianJin-R1 (arXiv:2504.15716), main results table";
