/** What an appliance of the lab is. */
export type ApplianceRole = 'fmc' | 'ftd';

/** Where an SSH login lands: the restricted CLI (`> `) or bash (`admin@name:~$`). */
export type LoginShell = 'cli' | 'bash';
