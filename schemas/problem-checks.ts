/** The checks of problem data (问题数据处理), with their Chinese names (kept free of zod: fan-out imports it). */
export const PROBLEM_CHECKS = {
  'unknown-enterprise': '市场主体无登记信息',
  'deregistered-enterprise': '市场主体已注销',
  'out-of-scope': '许可事项不在经营范围内',
  'revoked-licence-missing': '吊销（暂扣）的许可证件无记录',
} as const;
export type ProblemCheck = keyof typeof PROBLEM_CHECKS;
