export { qualities, isQuality, maxTimestampMs, describeTimestamp } from './point.ts';
export type { Point, PointValue, Quality } from './point.ts';
export { tagSegmentPattern, tagPathLimits, tagPathProblem, isTagPath, matchesTagFilter, tagFilterProblem } from './tag-path.ts';
export type { TagPath } from './tag-path.ts';
export {
  errorCodes,
  InputError,
  NotFoundError,
  ConflictError,
  NotAuthenticatedError,
  NotAllowedError,
  UnavailableError,
  ProtocolError,
  BugError,
  isShopfloorError,
} from './errors.ts';
export type { ErrorCode, ShopfloorError } from './errors.ts';
export { rejectReasons } from './reject-reason.ts';
export type { RejectReason, Rejection, Decoded } from './reject-reason.ts';
export { hierarchyLevels, dataTypes, classifications } from './asset-model.ts';
export type {
  HierarchyLevel,
  DataType,
  Classification,
  AttributeDefinition,
  MeasurementDefinition,
  AssetModel,
  Asset,
  SourceBinding,
  Tag,
} from './asset-model.ts';
export { alarmPriorities, alarmConditionStates, alarmStates, isAlarmState, isAlarmPriority, isLegalAlarmTransition } from './alarm.ts';
export type {
  AlarmPriority,
  AlarmConditionState,
  AlarmState,
  AlarmRef,
  AlarmEvent,
  AlarmRecord,
  AlarmSnapshot,
  AlarmListFilter,
  AlarmHistoryQuery,
} from './alarm.ts';
export type { WaveformBlock } from './waveform.ts';
