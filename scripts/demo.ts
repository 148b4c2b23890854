// `npm run demo`: builds, then runs this file from dist/. Each half prints what it shows.
import { runtimeDemo } from './demo-runtime.js';

runtimeDemo();
