// Tasks (issue 5, item 8): the one place every module records work with an owner and a date. The
// queries are in task-store.ts (queries live in store files); this name is what the module's files
// and index.ts import.
export * from './task-store.ts';
