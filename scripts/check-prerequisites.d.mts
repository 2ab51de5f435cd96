// Types of check-prerequisites.mjs (plain JavaScript so that it runs before anything is installed).
export interface Prerequisite {
  name: string;
  why: string;
  apt?: string;
  install?: string;
}
export interface MissingPrerequisite extends Prerequisite {
  found: string;
}
export interface Probe {
  nodeVersion: string;
  /** The node@24 package's version, when node_modules holds it. */
  nodePackage: string | undefined;
  find(name: string): string | undefined;
  goVersion(file: string): string | undefined;
}
export const MINIMUM_GO: number[];
export const PREREQUISITES: Prerequisite[];
export function findCommand(name: string, env?: NodeJS.ProcessEnv): string | undefined;
export function parseGoVersion(text: string): number[] | undefined;
export function missingPrerequisites(probe: Probe): MissingPrerequisite[];
export function explain(missing: MissingPrerequisite[]): string;
