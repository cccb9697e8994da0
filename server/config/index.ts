/** The one validated configuration: loadConfig() reads the environment once. */
export * from './env';
