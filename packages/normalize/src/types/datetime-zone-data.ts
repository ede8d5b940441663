/**
 * Time zone abbreviations the datetime type reads (datetime-zone.ts): the
 * fixed offsets they name, and the ones too ambiguous to read.
 */

/** Fixed-offset abbreviations, in minutes east of UTC. */
export const ABBREVIATIONS: ReadonlyMap<string, number> = new Map(
  Object.entries({
    UTC: 0,
    GMT: 0,
    UT: 0,
    Z: 0,
    WET: 0,
    WEST: 60,
    BST: 60,
    CET: 60,
    CEST: 120,
    MET: 60,
    MEST: 120,
    EET: 120,
    EEST: 180,
    MSK: 180,
    SAST: 120,
    EST: -300,
    EDT: -240,
    CST: -360,
    CDT: -300,
    MST: -420,
    MDT: -360,
    PST: -480,
    PDT: -420,
    AKST: -540,
    AKDT: -480,
    HST: -600,
    NST: -210,
    NDT: -150,
    WIB: 420,
    SGT: 480,
    HKT: 480,
    AWST: 480,
    JST: 540,
    KST: 540,
    ACST: 570,
    ACDT: 630,
    AEST: 600,
    AEDT: 660,
    NZST: 720,
    NZDT: 780,
  }),
);

export const AMBIGUOUS_ABBREVIATIONS: Readonly<Record<string, string>> = {
  IST: 'India, Israel or Ireland',
  AST: 'Atlantic or Arabia',
};
