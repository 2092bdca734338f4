export const notAStrategy = true;
