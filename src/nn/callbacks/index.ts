// The callbacks fit takes, one file each; fit.ts defines the Callbacks interface they implement.
export { earlyStopping, type EarlyStoppingOptions } from './early-stopping';
export { terminateOnNaN } from './terminate-on-nan';
export { csvLogger, type CsvLoggerOptions } from './csv-logger';
export { modelCheckpoint, type ModelCheckpointOptions } from './model-checkpoint';
export { learningRateScheduler, reduceLROnPlateau, type ReduceLROnPlateauOptions } from './learning-rate';
