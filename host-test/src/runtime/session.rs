//! A detector running in the sandbox, restarted after every trap.

use wasmtime::Store;
use wasmtime::component::ResourceAny;

use super::bindings::DetectionRule;
use super::bindings::exports::detection::rule::rule::GuestDetector;
use super::state::HostState;
use super::trap::Trapped;
use super::{ConfigError, EventError, Limits, Runtime, Stats, Verdict};

/// The result of one event sent to the component.
#[derive(Debug, Clone)]
pub enum Outcome {
    /// The detector's decision.
    Verdict(Verdict),
    /// The detector rejected the event and stays usable.
    Rejected(EventError),
    /// The component trapped on this event; the host restarted it.
    Trapped(Trapped),
}

/// The component calls that [`Session::evaluate_batch`] sends a batch with. All give the
/// same outcomes as long as no call traps, and the packed one costs the component least.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BatchCall {
    /// `evaluate-packed`: the events in one string, with the offsets where each ends.
    Packed,
    /// `evaluate-batch`: one string per event.
    List,
    /// `evaluate` once per event. A per-call limit then applies to each event alone, and
    /// whether an event traps does not depend on its batch.
    EachEvent,
}

impl BatchCall {
    /// Returns the call for a runtime with `limits`. Fuel is a per-call budget meant to be
    /// deterministic. In batches, which end where slow input pauses, the batch boundaries
    /// would decide which events run out of fuel, and each trap restarts the detector.
    fn for_limits(limits: &Limits) -> Self {
        if limits.fuel.is_some() {
            BatchCall::EachEvent
        } else {
            BatchCall::Packed
        }
    }
}

/// A detector created from a config, with the instance it lives in.
///
/// When a call traps, the instance is dropped and the next call creates a fresh instance
/// and detector with the same config. The detector's window and replay state start over
/// then, so [`Session::restarts`] counts how often that happened.
///
/// NOTE: there is no limit on restarts. A component that loops on every event costs the
/// per-call time limit for each event (plus one for its batch) and then goes on.
pub struct Session<'r> {
    runtime: &'r Runtime,
    config: String,
    live: Option<Live>,
    restarts: u64,
    batch_call: BatchCall,
}

/// An instance and the detector resource inside it.
struct Live {
    store: Store<HostState>,
    rule: DetectionRule,
    detector: ResourceAny,
}

/// A batch of events in the form `evaluate-packed` takes: their texts one after another,
/// and the byte offset where each ends. Copying the batch once on the host saves the
/// component an allocation per event.
struct PackedBatch {
    text: String,
    ends: Vec<u32>,
}

impl PackedBatch {
    /// Packs `events`, or returns `None` when their texts together pass 4 GiB.
    fn new(events: &[String]) -> Option<PackedBatch> {
        let total = events.iter().map(String::len).sum();
        u32::try_from(total).ok()?;
        let mut text = String::with_capacity(total);
        let mut ends = Vec::with_capacity(events.len());
        for event in events {
            text.push_str(event);
            // The total fits in u32, so every end does.
            ends.push(text.len() as u32);
        }
        Some(PackedBatch { text, ends })
    }
}

impl<'r> Session<'r> {
    /// Creates the first detector. A rejected config is returned as the component's
    /// [`ConfigError`], a trap as [`Trapped`].
    pub(crate) fn create(
        runtime: &'r Runtime,
        config: &str,
    ) -> Result<Result<Session<'r>, ConfigError>, Trapped> {
        let live = match Live::create(runtime, config)? {
            Ok(live) => live,
            Err(rejected) => return Ok(Err(rejected)),
        };
        let config = config.to_owned();
        Ok(Ok(Session {
            runtime,
            config,
            live: Some(live),
            restarts: 0,
            batch_call: BatchCall::for_limits(&runtime.limits()),
        }))
    }

    /// Returns how many times a trap discarded the instance. A batch call that traps and the
    /// retry of its event that traps again are one trap, counted once.
    pub fn restarts(&self) -> u64 {
        self.restarts
    }

    /// Chooses the call that sends batches. The default is [`BatchCall::EachEvent`] under a
    /// fuel limit, so that results do not depend on batching, else [`BatchCall::Packed`].
    pub fn set_batch_call(&mut self, call: BatchCall) {
        self.batch_call = call;
    }

    /// Evaluates events in order, one outcome per event.
    ///
    /// The whole batch goes to the component in one call. If that call traps, the host
    /// cannot tell which event caused it, so it restarts the component and sends the
    /// batch's events one at a time. Each event that traps again is reported as trapped,
    /// and the others get their verdicts from the fresh detector.
    pub fn evaluate_batch(&mut self, events: &[String]) -> Vec<Outcome> {
        if events.len() < 2 || self.batch_call == BatchCall::EachEvent {
            return self.evaluate_each(events);
        }

        let before_batch = self.restarts;
        if let Some(outcomes) = self.try_batch(events) {
            return outcomes;
        }
        let batch_discarded = self.restarts > before_batch;

        let before_retry = self.restarts;
        let outcomes = self.evaluate_each(events);

        // The retry sends the event that broke the batch again, so its first trap is the
        // batch's trap seen a second time. Counted twice, one trapping event would show as
        // two restarts.
        if batch_discarded && self.restarts > before_retry {
            self.restarts -= 1;
        }
        outcomes
    }

    fn evaluate_each(&mut self, events: &[String]) -> Vec<Outcome> {
        events
            .iter()
            .map(|event| self.evaluate_one(event))
            .collect()
    }

    /// Sends the batch in one call: packed into one string when the session packs batches
    /// and the text fits the 32-bit offsets of `evaluate-packed`, else as a list. Returns
    /// `None` after a trap, or when the component returned the wrong number of results,
    /// which the host treats like a trap.
    fn try_batch(&mut self, events: &[String]) -> Option<Vec<Outcome>> {
        let packed = match self.batch_call {
            BatchCall::Packed => PackedBatch::new(events),
            BatchCall::List | BatchCall::EachEvent => None,
        };
        let results = self.call_detector(|detector, store, resource| match &packed {
            Some(packed) => {
                detector.call_evaluate_packed(store, resource, &packed.text, &packed.ends)
            }
            None => detector.call_evaluate_batch(store, resource, events),
        });
        match results {
            Ok(results) if results.len() == events.len() => {
                Some(results.into_iter().map(Outcome::from).collect())
            }
            Ok(results) => {
                tracing::warn!(
                    expected = events.len(),
                    returned = results.len(),
                    "the component returned the wrong number of verdicts; retrying one by one"
                );
                self.discard();
                None
            }
            Err(trapped) => {
                tracing::debug!(%trapped, events = events.len(), "batch call failed");
                None
            }
        }
    }

    /// Sends events that the caller has packed to one `evaluate-packed` call, without the
    /// retry of [`Session::evaluate_batch`]. `text` contains the events one after another,
    /// and `ends` the byte offset where each ends. A trap, for example on an end that is not
    /// a character boundary, discards the instance and is returned.
    pub fn evaluate_packed(&mut self, text: &str, ends: &[u32]) -> Result<Vec<Outcome>, Trapped> {
        let results = self.call_detector(|detector, store, resource| {
            detector.call_evaluate_packed(store, resource, text, ends)
        })?;
        Ok(results.into_iter().map(Outcome::from).collect())
    }

    /// Evaluates one event with one `evaluate` call.
    pub fn evaluate(&mut self, event: &str) -> Outcome {
        self.evaluate_one(event)
    }

    /// Reads the detector's counters. After a restart they count only from the restart on.
    pub fn stats(&mut self) -> Result<Stats, Trapped> {
        self.call_detector(|detector, store, resource| detector.call_stats(store, resource))
    }

    /// Explains one event with the detector's `explain` method, which leaves its state as
    /// it was. A trap discards the instance, as in [`Session::evaluate`].
    pub fn explain(&mut self, event: &str) -> Result<Result<String, EventError>, Trapped> {
        self.call_detector(|detector, store, resource| {
            detector.call_explain(store, resource, event)
        })
    }

    fn evaluate_one(&mut self, event: &str) -> Outcome {
        let result = self.call_detector(|detector, store, resource| {
            detector.call_evaluate(store, resource, event)
        });
        match result {
            Ok(result) => Outcome::from(result),
            Err(trapped) => Outcome::Trapped(trapped),
        }
    }

    /// Makes one call to the detector with a fresh time and fuel budget, restarting the
    /// instance first if a trap discarded it. A trap in the call discards the instance.
    fn call_detector<T>(
        &mut self,
        call: impl FnOnce(&GuestDetector<'_>, &mut Store<HostState>, ResourceAny) -> wasmtime::Result<T>,
    ) -> Result<T, Trapped> {
        let runtime = self.runtime;
        let live = self.live()?;
        runtime.prepare_call(&mut live.store)?;

        let detector = live.rule.detection_rule_rule().detector();
        match call(&detector, &mut live.store, live.detector) {
            Ok(result) => Ok(result),
            Err(error) => {
                let trapped = Trapped::describe(&error, &mut live.store, &runtime.limits());
                self.discard();
                Err(trapped)
            }
        }
    }

    /// Returns the live instance, creating a fresh one after a trap.
    fn live(&mut self) -> Result<&mut Live, Trapped> {
        if self.live.is_none() {
            let live = match Live::create(self.runtime, &self.config)? {
                Ok(live) => live,
                Err(ConfigError::Invalid(message)) => {
                    let message = format!("the restarted component rejected the config: {message}");
                    return Err(Trapped::new(message));
                }
            };
            tracing::debug!(restarts = self.restarts, "restarted the component");
            self.live = Some(live);
        }
        Ok(self.live.as_mut().expect("created above"))
    }

    fn discard(&mut self) {
        self.live = None;
        self.restarts += 1;
    }
}

impl Live {
    fn create(runtime: &Runtime, config: &str) -> Result<Result<Live, ConfigError>, Trapped> {
        let (mut store, rule) = runtime.instantiate()?;
        runtime.prepare_call(&mut store)?;

        let detector = rule.detection_rule_rule().detector();
        let created = detector.call_create(&mut store, config);
        match created {
            Ok(Ok(detector)) => Ok(Ok(Live {
                store,
                rule,
                detector,
            })),
            Ok(Err(rejected)) => Ok(Err(rejected)),
            Err(error) => Err(Trapped::describe(&error, &mut store, &runtime.limits())),
        }
    }
}

impl From<Result<Verdict, EventError>> for Outcome {
    fn from(result: Result<Verdict, EventError>) -> Outcome {
        match result {
            Ok(verdict) => Outcome::Verdict(verdict),
            Err(rejected) => Outcome::Rejected(rejected),
        }
    }
}
