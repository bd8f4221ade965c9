export { ComposeError, type ComposeIssue } from './compose-issue.js';
