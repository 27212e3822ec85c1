// The process helper lives in tools/support so that built tools (benchmarks, chaos) can use it.
export { AppProcess, startAppProcess } from '../../tools/support/app-process';
