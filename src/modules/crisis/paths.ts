// Every URL of the crisis module.
export const paths = {} as const;
