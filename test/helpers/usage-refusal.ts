import * as assert from "node:assert/strict";
import { UsageLimitError } from "../../core/usage/limits";

/** The message `read` throws, which must be a one-line `UsageLimitError`. */
export function refusal(read: () => unknown): string {
    try {
        read();
    } catch (e) {
        assert.ok(e instanceof UsageLimitError, `expected a UsageLimitError, got ${String(e)}`);
        assert.doesNotMatch(e.message, /\n/);
        return e.message;
    }
    assert.fail("expected a UsageLimitError");
}
