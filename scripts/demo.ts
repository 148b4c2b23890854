// `npm run demo`: builds, then runs this file from dist/. Each half prints what it shows.
import { lintDemo } from './demo-lint.js';
import { runtimeDemo } from './demo-runtime.js';

lintDemo();
runtimeDemo();
