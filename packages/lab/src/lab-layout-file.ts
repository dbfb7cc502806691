/**
 * The file, directly in a lab's directory beside its appliances' trees, in which the lab records
 * the layout its appliances follow (JSON of the `ApplianceLayout`): tools that read those trees
 * (the test suite's secret audit) learn from it where the live files are.
 */
export const LAB_LAYOUT_FILE = 'layout.json';
