export { followJob, jobAnswer, type JobAnswer } from './jobs.js';
export { problem } from './problem.js';
