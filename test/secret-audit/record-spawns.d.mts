/** Starts recording, in `<dir>/<pid>.spawned`, the argv of every process this one starts (see record-spawns.mjs). */
export declare function recordSpawns(dir: string): void;
