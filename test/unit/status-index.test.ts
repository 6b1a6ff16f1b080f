import { describe, expect, it } from 'vitest';
import { STATUS_INDEX_ATTRIBUTES } from '../../functions/adapters/dynamo-table.js';

describe('the byStatus index projection', () => {
  // DynamoDB (and CloudFormation's Projection.NonKeyAttributes) allow at most 20 per index;
  // a 21st fails the deploy, not a test, unless this one catches it first.
  it('projects at most the 20 non-key attributes an INCLUDE index may carry', () => {
    expect(STATUS_INDEX_ATTRIBUTES.length).toBeLessThanOrEqual(20);
  });

  it("carries the checklist's summary, not its tasks", () => {
    expect(STATUS_INDEX_ATTRIBUTES).toContain('openTaskDues');
    expect(STATUS_INDEX_ATTRIBUTES).not.toContain('tasks');
  });
});
