"""A per-user token bucket in Gmail quota units, kept in Redis so every worker shares it.

Gmail limits each user to 250 quota units per second (100 for projects created after
2026-05-01); messages.get costs 5, so a batch of 50 gets spends a whole second's budget.
Callers *reserve* units: the bucket may go negative, and the caller sleeps until its reservation
is covered. Reservations queue fairly across workers and the average rate never exceeds the
configured one. https://developers.google.com/workspace/gmail/api/reference/quota

The bucket paces at the *learned* limit itself, not a fixed share under it: the margin comes
from the 429s actually seen. The rate Google grants may be lower than the configured one (or
requests bunch up on the way), so the bucket learns it from the refusals (429, "too many
concurrent requests"), which Gmail answers without a usable Retry-After:
- a refusal empties Google's bucket; two refusals 0.5-120 s apart, with calls asked for all
  along, *measure* the granted rate: the units granted between them / the time (its refill);
- a burst partly refused otherwise lowers the limit by the share refused (one refusal in a
  burst of 25 costs 4%, not a fixed 10%); a rate that had held, refused in large part, resumes
  at half at most, since the share overstates a grant lowered while Google's bucket was full;
- below the rate the last refusal came at, the climb back is fast (half the gap per clean
  second): most small refusals are bunched-up arrivals, not a lower limit;
- a run of successes long enough probes a few percent higher, never above the configured rate
  (nor below ``GMAIL_QUOTA_MIN_UNITS_PER_SECOND``); a refused probe returns to the rate that
  held, and after it (or a measure) the next one waits twice as long and goes half as far, so a
  pinned limit costs a refusal per doubling wait.
The learned limit lives in Redis for ``GMAIL_QUOTA_LEARNED_TTL`` seconds, shared by all workers.
Every lowering starts a new *epoch*: reports about calls sent in an older epoch are ignored (they
say nothing about the new rate), and reservations made in an older epoch are redone.
"""

from __future__ import annotations

import logging
import time
from typing import Any

from django.conf import settings

from mailbox_project import metrics
from mailbox_project.redis import connection

logger = logging.getLogger(__name__)

# Below the rate the last refusal came at, a second of clean traffic wins back half the gap:
# most refusals are requests that arrived bunched up (a stalled worker, a slow network), not a
# lower limit, and a slow climb back from one would cost more than the refusals themselves.
# When the limit is really lower, the regained rate is refused again: the climb from there is
# the slow probe.
RECOVER_AFTER_SECONDS = 1.0
# Only a refusal this small (a factor at least this) looks like bunching; a larger share
# refused says the granted rate is lower, and the climb from the lowered limit is the probe.
RECOVERABLE_FACTOR = 0.85
# At or above that rate, clean traffic worth this many seconds earns a probe upward ...
PROBE_AFTER_SECONDS = 5.0
# ... of this share of the limit (also the least a recovery step gains).
PROBE_STEP = 0.05
# A refused probe doubles the wait before the next one, up to this, and halves its step, down
# to this: Google's bucket hides a small excess for its size / the excess seconds, so a probe
# just above the grant is refused late, and probing as often as at first would cost a refusal
# every few seconds for good.
MAX_PROBE_WAIT_SECONDS = 120.0
MIN_PROBE_STEP = 0.01
# Two refusals at least MEASURE_MIN_SECONDS (closer, a call more or less granted would swing
# it too far) and at most this far apart measure the granted rate (the units granted between
# them / the time), when the units sent in between came to at least this share of the pace.
MEASURE_WINDOW_SECONDS = 120.0
MEASURE_MIN_SECONDS = 0.5
MEASURE_SENT_SHARE = 0.8
# Every refusal lowers the limit by at least this factor, and at most by MIN_DECREASE, ...
# (a stray refusal in a burst of 25 costs 4%, not a fixed tenth of the rate).
MAX_DECREASE = 0.97
MIN_DECREASE = 0.25
# ... but a handful of calls is too small a sample for more than halving.
SMALL_SAMPLE = 10
# A burst holds at most this share of the limit: Google's bucket holds about one second of
# quota, and the slack absorbs bursts that arrive closer together than they were sent.
BURST_SHARE = 0.5
# Our bucket holds more while the limit is trusted (no refusal since the last probe): time the
# sync spends not fetching (listing a page, storing its tail) refills Google's bucket as it does
# ours, and the next page catches up on it instead of losing it. Not a whole second, Google's
# size: a full bucket of Google's loses the refill of requests that arrive late, so the quarter
# second left over absorbs a stalled worker.
# While the limit is being learned it holds one burst, so a second burst does not go out with
# the first before the first's refusals have lowered the limit.
TRUSTED_CAPACITY = 0.75
# After a refusal, sending resumes this much later than the learned rate alone would allow:
# Google's bucket, empty at the refusal, keeps these seconds of quota from then on (the pace
# never exceeds its refill), so a burst that arrives early (bunched by the network, a stalled
# thread catching up) is absorbed instead of refused. Paid once per refusal, not a headroom.
SLACK_SECONDS = 0.2
# A sleeping reservation checks this often whether the limit was lowered meanwhile.
RECHECK_SECONDS = 0.2

# KEYS[1] bucket, KEYS[2] learned limit; ARGV configured limit, headroom, cost, burst share,
# trusted capacity. Returns {seconds to wait, epoch, limit} as strings.
_RESERVE = """
local now_parts = redis.call('TIME')
local now = tonumber(now_parts[1]) + tonumber(now_parts[2]) / 1000000
local learned = redis.call('HMGET', KEYS[2], 'limit', 'epoch', 'trusted')
local configured = tonumber(ARGV[1])
local limit = math.min(configured, tonumber(learned[1]) or configured)
local epoch = learned[2] or '0'
local rate = limit * tonumber(ARGV[2])
local capacity = limit * tonumber(ARGV[4])
if learned[3] ~= '0' then capacity = limit * tonumber(ARGV[5]) end
local cost = tonumber(ARGV[3])
local state = redis.call('HMGET', KEYS[1], 'tokens', 'ts')
local tokens = tonumber(state[1]) or capacity
local ts = tonumber(state[2]) or now
tokens = math.min(capacity, tokens + (now - ts) * rate) - cost
redis.call('HSET', KEYS[1], 'tokens', tokens, 'ts', now)
redis.call('EXPIRE', KEYS[1], 120)
local wait = 0
if tokens < 0 then wait = -tokens / rate end
return {tostring(wait), epoch, tostring(limit)}
"""

# KEYS[1] bucket, KEYS[2] learned limit; ARGV configured limit, floor, epoch, factor (< 1 lowers),
# units that succeeded, TTL, probe-after seconds, probe step, recover-after seconds, recoverable
# factor, slack seconds, units the burst sent, lowest factor, least probe step, longest probe
# wait. Returns the limit as a string.
# ``peak`` is the rate a fast climb may regain; ``owed`` the slack the next burst waits out;
# ``good`` the rate that last held through a probe wait (0: none known since the last lowering);
# ``wait`` and ``step`` how long clean traffic must last before the next probe, and its size.
_REPORT = """
local configured = tonumber(ARGV[1])
local learned = redis.call('HMGET', KEYS[2], 'limit', 'epoch', 'clean', 'peak', 'regained',
  'trusted', 'owed', 'good', 'wait', 'step', 'since', 'granted', 'sent', 'refused_at')
local limit = math.min(configured, tonumber(learned[1]) or configured)
local epoch = tonumber(learned[2]) or 0
local peak = math.min(configured, tonumber(learned[4]) or configured)
local regained = tonumber(learned[5]) or 0
local trusted = tonumber(learned[6]) or 1
local good = tonumber(learned[8]) or 0
local wait = tonumber(learned[9]) or tonumber(ARGV[7])
local step = tonumber(learned[10]) or tonumber(ARGV[8])
if tonumber(ARGV[3]) ~= epoch then return tostring(limit) end
local now_parts = redis.call('TIME')
local now = tonumber(now_parts[1]) + tonumber(now_parts[2]) / 1000000
-- Units granted and sent since the last refusal, this report's included.
local since = tonumber(learned[11]) or 0
local granted = (tonumber(learned[12]) or 0) + tonumber(ARGV[5])
local sent = (tonumber(learned[13]) or 0) + tonumber(ARGV[12])
local ceiling = tonumber(learned[14]) or 0
local factor = tonumber(ARGV[4])
local clean = (tonumber(learned[3]) or 0) + tonumber(ARGV[5])
-- The first burst after a refusal also waited out the slack: Google granted what it refilled
-- over the burst's own time and the slack's, so the rate it grants is that much lower.
local owed = tonumber(learned[7]) or 0
if factor < 1 and owed > 0 then
  local burst = tonumber(ARGV[12])
  factor = math.max(tonumber(ARGV[13]), factor * burst / (burst + owed))
end
owed = 0
if factor < 1 then
  local refused_at = limit
  -- Google's bucket was empty at the last refusal and is empty again: what it granted in
  -- between is what it refilled, so granted / elapsed is the rate it grants, measured, when
  -- we kept asking for more than that all along (sent near the pace) and not for so long that
  -- its bucket may have overflowed or the grant changed.
  local elapsed = now - since
  local measured = 0
  local busy = sent >= tonumber(ARGV[17]) * refused_at * elapsed
  if since > 0 and elapsed >= tonumber(ARGV[18]) and elapsed <= tonumber(ARGV[16]) and busy then
    measured = granted / elapsed
  end
  -- A measure at or above the rate refused says Google's bucket was not empty after all.
  if measured > 0 and measured < refused_at then
    -- The grant is known now: probing above it soon and far would only be refused.
    wait = math.min(tonumber(ARGV[15]), wait * 2)
    step = math.max(tonumber(ARGV[14]), step / 2)
    limit = math.max(tonumber(ARGV[2]), math.min(refused_at, measured))
    peak = limit
    good = 0
  elseif good > 0 and refused_at > good then
    -- A probe above the rate that held was refused: the grant lies between the two. Back to
    -- the rate that held, and the next probe comes twice as late and half as far, so a limit
    -- pinned between them costs a refusal per doubling wait, not one every few seconds.
    limit = good
    peak = good
    wait = math.min(tonumber(ARGV[15]), wait * 2)
    step = math.max(tonumber(ARGV[14]), step / 2)
  else
    limit = math.max(tonumber(ARGV[2]), limit * factor)
    if trusted == 1 and factor < tonumber(ARGV[10]) then
      -- A rate that held is refused in large part: the grant changed by an unknown amount
      -- (a burst's granted share overstates it when Google's bucket was full at the change).
      -- Resume at half at most, so the next bursts measure it instead of being refused, and
      -- climb back fast towards the granted share's estimate.
      peak = limit
      limit = math.max(tonumber(ARGV[2]), math.min(limit, refused_at / 2))
    elseif factor < tonumber(ARGV[10]) or (regained == 1 and refused_at >= peak) then
      -- Refused again at a rate just climbed back to quickly: that rate is too high after
      -- all, so the climb from here is the slow probe.
      peak = limit
    else
      peak = refused_at
    end
    good = 0
  end
  regained = 0
  trusted = 0
  epoch = epoch + 1
  clean = 0
  -- Google's bucket is empty now that it refused: ours starts below empty, forgiving the
  -- reservations of the old epoch (their callers reserve again at the new rate), and owing
  -- SLACK_SECONDS of the new rate, which Google's bucket keeps as a cushion from then on.
  since = now
  granted = 0
  sent = 0
  ceiling = refused_at
  owed = limit * tonumber(ARGV[11])
  redis.call('HSET', KEYS[1], 'tokens', -owed, 'ts', now)
  redis.call('EXPIRE', KEYS[1], 120)
elseif limit < peak and clean >= limit * tonumber(ARGV[9]) then
  limit = math.min(peak, limit + math.max(limit * tonumber(ARGV[8]), (peak - limit) / 2))
  if limit >= peak then regained = 1 end
  clean = 0
elseif limit >= peak and clean >= limit * wait then
  -- Clean at the peak for the probe wait (or capped at the configured rate): the rate holds.
  -- Above the rate refused last, the grant has grown: the next probe may come sooner and go
  -- further again. Below it, probing on at the same pace would only be refused as often.
  good = limit
  if limit >= ceiling then
    wait = math.max(tonumber(ARGV[7]), wait / 2)
    step = math.min(tonumber(ARGV[8]), step * 2)
  end
  limit = math.min(configured, limit * (1 + step))
  peak = limit
  regained = 0
  trusted = 1
  clean = 0
end
redis.call('HSET', KEYS[2], 'limit', limit, 'epoch', epoch, 'clean', clean, 'peak', peak,
  'regained', regained, 'trusted', trusted, 'owed', owed, 'good', good, 'wait', wait,
  'step', step, 'since', since, 'granted', granted, 'sent', sent, 'refused_at', ceiling)
redis.call('EXPIRE', KEYS[2], tonumber(ARGV[6]))
return tostring(limit)
"""


def cost(method: str) -> int:
    """Return the quota units one call of ``method`` costs (the GMAIL_QUOTA_COSTS setting)."""
    return int(settings.GMAIL_QUOTA_COSTS[method])


def decrease_factor(ok: int, refused: int, full_burst: int = 0) -> float:
    """Return the factor a burst with ``refused`` of ``ok + refused`` calls refused lowers by.

    The share granted estimates the granted rate: calls sent faster than Google grants are
    refused in the proportion of the excess. A burst smaller than a full one (``full_burst``
    calls, the tail of a chunk, a lone call) is weighed as the full burst it belongs to: one
    refusal in a tail of 5 says the rate is 10% too high at 100 units/s, not 20%.
    """
    total = max(ok + refused, full_burst)
    granted = 1 - refused / total
    lowest = MIN_DECREASE if total >= SMALL_SAMPLE else 0.5
    return max(lowest, min(MAX_DECREASE, granted))


class QuotaBucket:
    """The shared bucket of one user, paced at the learned limit."""

    def __init__(self, user_id: Any, units_per_second: float | None = None) -> None:
        self.configured = float(units_per_second or settings.GMAIL_QUOTA_UNITS_PER_SECOND)
        # 1.0 by default: the learned limit already sits where Google stopped refusing.
        self.headroom = float(settings.GMAIL_QUOTA_HEADROOM)
        self.key = f"{settings.CACHE_KEY_PREFIX}:gmail-quota:{user_id}"
        self.learned_key = f"{settings.CACHE_KEY_PREFIX}:gmail-quota-learned:{user_id}"
        self._redis = connection()
        self._reserve = self._redis.register_script(_RESERVE)
        self._report = self._redis.register_script(_REPORT)

    @property
    def enabled(self) -> bool:
        return self.configured > 0

    def limit(self) -> float:
        """Return the learned limit in units/s (the configured one until a refusal)."""
        value = self._redis.hget(self.learned_key, "limit")
        return min(self.configured, float(value)) if value is not None else self.configured

    def epoch(self) -> int:
        """Return how many times the limit was lowered since it was last forgotten."""
        value = self._redis.hget(self.learned_key, "epoch")
        return int(value) if value is not None else 0

    def max_batch(self, cost_each: int) -> int:
        """Return how many calls of ``cost_each`` one burst may hold (at most Gmail's 50)."""
        if not self.enabled:
            return 50
        return max(1, min(50, int(self.limit() * BURST_SHARE // cost_each)))

    def _reserve_units(self, units: float) -> tuple[float, int]:
        wait, epoch, _ = self._reserve(
            keys=[self.key, self.learned_key],
            args=[self.configured, self.headroom, units, BURST_SHARE, TRUSTED_CAPACITY],
        )
        return float(wait), int(epoch)

    def reserve(self, units: float) -> float:
        """Reserve ``units`` and return how long the caller must wait before spending them."""
        if not self.enabled:
            return 0.0
        return self._reserve_units(units)[0]

    def spend(self, units: float) -> int:
        """Reserve ``units``, sleep until they are available; return the epoch they belong to."""
        while (epoch := self.try_spend(units)) is None:
            pass
        return epoch

    def try_spend(self, units: float) -> int | None:
        """``spend``, but return None when the limit was lowered while waiting.

        The reservation was then forgiven: the caller sizes its burst for the new limit and
        reserves again, rather than send a burst sized for the old one.
        """
        if not self.enabled:
            return 0
        wait, epoch = self._reserve_units(units)
        return epoch if self._sleep_unless_lowered(wait, epoch) else None

    def _sleep_unless_lowered(self, wait: float, epoch: int) -> bool:
        metrics.quota_waited(wait)
        deadline = time.monotonic() + wait
        while (left := deadline - time.monotonic()) > 0:
            time.sleep(min(left, RECHECK_SECONDS))
            if self.epoch() != epoch:
                return False
        return True

    def report(self, epoch: int, *, ok: int, refused: int, ok_units: float | None = None) -> None:
        """Tell the bucket how calls sent in ``epoch`` fared: ``refused`` were rate-limited."""
        if not self.enabled or ok + refused == 0:
            return
        full_burst = self.max_batch(cost("messages.get")) if refused else 0
        factor = decrease_factor(ok, refused, full_burst) if refused else 1.0
        limit = self._report(
            keys=[self.key, self.learned_key],
            args=[
                self.configured,
                settings.GMAIL_QUOTA_MIN_UNITS_PER_SECOND,
                epoch,
                factor,
                ok * cost("messages.get") if ok_units is None else ok_units,
                settings.GMAIL_QUOTA_LEARNED_TTL,
                PROBE_AFTER_SECONDS,
                PROBE_STEP,
                RECOVER_AFTER_SECONDS,
                RECOVERABLE_FACTOR,
                SLACK_SECONDS,
                (ok + refused) * cost("messages.get") if ok_units is None else ok_units,
                MIN_DECREASE,
                MIN_PROBE_STEP,
                MAX_PROBE_WAIT_SECONDS,
                MEASURE_WINDOW_SECONDS,
                MEASURE_SENT_SHARE,
                MEASURE_MIN_SECONDS,
            ],
        )
        if refused:
            logger.info(
                "Gmail refused %d of %d calls of %s: learned quota now %s units/s",
                refused, ok + refused, self.key.rsplit(":", 1)[-1], float(limit),
            )  # fmt: skip
