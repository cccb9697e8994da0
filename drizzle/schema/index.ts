export * from './enums';
export * from './albums';
export * from './auth';
export * from './images';
export * from './jobs';
export * from './settings';
export * from './workers';
export * from './shares';
