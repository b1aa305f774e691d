// The "PASS <name>" / "FAIL <name>: <why>" / "<passed> passed, <failed> failed" accounting the suite script counts,
// apart from common.js so that clients with other dependencies (grpc-web/, an ES module package) share it too.
'use strict';

function assert(condition, message) {
  if (!condition) throw new Error(message);
}

/** The check runner: check(name, async body) prints PASS/FAIL; summary() prints the counts and sets the exit code. */
function checks() {
  let passed = 0;
  let failed = 0;
  return {
    async check(name, body) {
      try {
        await body();
        passed++;
        console.log(`PASS ${name}`);
      } catch (error) {
        failed++;
        console.log(`FAIL ${name}: ${error && error.message ? error.message : error}`);
      }
    },
    summary() {
      console.log(`${passed} passed, ${failed} failed`);
      process.exitCode = failed === 0 ? 0 : 1;
    },
  };
}

/** Runs <main>; a throw outside any check is one failure and the summary line. */
function run(name, main) {
  main().catch((error) => {
    console.log(`FAIL ${name}: ${error && error.stack ? error.stack : error}`);
    console.log('0 passed, 1 failed');
    process.exitCode = 1;
  });
}

module.exports = { assert, checks, run };
