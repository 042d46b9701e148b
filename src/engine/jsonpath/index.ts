export { compilePath, type CompiledPath } from "./compile";
export { PathSyntaxError } from "./errors";
export { MAX_NESTING_DEPTH, MAX_PATH_LENGTH } from "./parser";
export { pathRootKeys } from "./root-keys";
