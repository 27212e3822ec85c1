import { Topics } from '@tally/contracts';
import { apiTopicNamesOf, DEFAULT_TOPICS } from './billing-api.config';

describe('the topics the billing API publishes to', () => {
  it('reads the same TALLY_TOPIC_* variables as the ledger when none are given', () => {
    expect(
      apiTopicNamesOf(undefined, {
        TALLY_TOPIC_ACTION_EXECUTED: 'staging.actions',
        TALLY_TOPIC_BALANCE_ALERTS: 'staging.alerts',
      }),
    ).toEqual({ actionExecuted: 'staging.actions', subscription: Topics.subscription });
  });

  it('takes the topics it is given over the environment', () => {
    const given = { actionExecuted: 'a', subscription: 's' };
    expect(apiTopicNamesOf(given, { TALLY_TOPIC_ACTION_EXECUTED: 'x' })).toBe(given);
  });

  it("defaults to the design brief's names", () => {
    expect(DEFAULT_TOPICS).toEqual({
      actionExecuted: Topics.actionExecuted,
      subscription: Topics.subscription,
    });
  });
});
