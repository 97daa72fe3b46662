/**
 * Reform modes (改革方式) of the permit catalogue, kept free of zod so the push functions can name
 * them without carrying the schemas: `cancelled` 直接取消审批, `filing` 审批改为备案, `commitment`
 * 实行告知承诺, `optimised` 优化审批服务.
 */
export const REFORM_MODES = ['cancelled', 'filing', 'commitment', 'optimised'] as const;
export type ReformMode = (typeof REFORM_MODES)[number];
export const REFORM_MODE_NAMES: Record<ReformMode, string> = {
  cancelled: '直接取消审批',
  filing: '审批改为备案',
  commitment: '实行告知承诺',
  optimised: '优化审批服务',
};
