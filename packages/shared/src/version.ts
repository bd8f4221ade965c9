/** Berth's version, shown in health and the OpenAPI document. */
export const BERTH_VERSION = '0.1.0';
