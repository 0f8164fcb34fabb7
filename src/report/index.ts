// The data_def model: request types, time and durations, JSON Schemas from a live catalogue, and a
// validator with the document's rules. Pure: no vscode, no network.
export type * from './types';
export { parseDuration, parseEpoch, formatEpoch, resolveTime, describeTimeError, utcDate, TimeError, FIXED_SECONDS, type Duration, type DurationUnit, type Tense, type ResolvedTime } from './time';
export { validateReportRequest, validateReportFile, validateDataDef, sourceNamesOf, isPacketSource, type ValidateOptions } from './validate';
export { dataDefSchema, reportFileSchema, exampleReportFile, topHostGroupsDataDef, DURATION_EXAMPLES } from './schema';
export { parseReportFile, checkReportFile, locate, REPORT_FILE_SUFFIX, type LocatedProblem, type ParsedReportFile } from './file';
export { parseJsonTree, nodeAtOffset, nodeAtPath, pathOf, toValue, stringOffset, stringIndexAt, splitPath, type JsonNode } from './jsonTree';
export { slotAt, completeReport, hoverReport, describeSeconds, type AssistContext, type Slot, type SlotKind } from './assist';
export { scaffoldDataDef, scaffoldReportFile } from './scaffold';
export { applyProblemFix } from './fix';
