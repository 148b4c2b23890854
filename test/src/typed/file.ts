// Placeholder: the type-aware tests lint their own code under this file name.
export {};
