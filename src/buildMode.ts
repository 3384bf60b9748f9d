// What kind of build this is. A build made for the tests (`vite build --mode e2e`, what `npm test` and the benchmarks
// serve) exposes a test hook on `window` and trusts the fixture mirror's catalog.json, because the project's fixture
// models differ from the real files by design. A build for users (`npm run build`) does neither.
export const TEST_BUILD: boolean = import.meta.env.MODE === 'e2e';
