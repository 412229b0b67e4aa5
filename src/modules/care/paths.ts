// Every URL of the care coordination module.
export const paths = {} as const;
