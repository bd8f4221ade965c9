import { inputClassName } from '../ui/input-class-name';

/** The shared input look for toolbar controls that size to their content instead of the row. */
export const compactInputClassName = inputClassName.replace('w-full', 'w-auto');
