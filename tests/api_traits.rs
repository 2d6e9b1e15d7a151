//! The Rust API guidelines' promises about the public surface (issue 15
//! item 3), checked at compile time: which types may cross threads, and the
//! errors are `std::error::Error + Send + Sync + 'static` so that they box
//! into `Box<dyn Error + Send + Sync>` and travel with `?`.
//!
//! What the standard's model allows: an agent (its heap, its ports) moves to
//! its own thread whole, so `Agent`, `Heap` and `World` are `Send`; what
//! several threads hold at once — the task clock, a global scope's port,
//! the wake-up signal — is `Send + Sync`; messages in flight
//! (`SerializeWithTransferResult`, the records) are `Send`. A realm's
//! object handles need be neither (a Boa `JsObject` is not), so
//! `Messaging<O>` is `Send` exactly when `O` is.

use webmessaging::ecmascript::{
    AgentClusterId, BigIntParseError, Heap, JsString, ObjectId, PropertyKey, SharedDataBlock, Value,
};
use webmessaging::messaging::queue::{Signal, TaskClock};
use webmessaging::messaging::{
    Agent, BroadcastError, DispatchedEvent, EventTarget, GlobalPort, Messaging, PortId, ThreadedWorld,
    ThreadsError, World,
};
use webmessaging::structured::{
    CloneError, DataCloneError, DecodeError, EncodeError, SerializeWithTransferResult, Serialized,
};

fn send<T: Send>() {}
fn send_sync<T: Send + Sync>() {}
fn error<E: std::error::Error + Send + Sync + 'static>() {}

#[test]
fn agents_and_their_realms_move_to_threads() {
    send::<Agent>();
    send::<Heap>();
    send::<World>();
    send::<ThreadedWorld>();
    send::<Messaging<ObjectId>>();
}

#[test]
fn what_threads_share_is_send_and_sync() {
    send_sync::<TaskClock>();
    send_sync::<Signal>();
    send_sync::<GlobalPort>();
    send_sync::<SharedDataBlock>();
}

#[test]
fn messages_and_values_cross_threads() {
    send::<SerializeWithTransferResult>();
    send_sync::<Serialized>();
    send_sync::<DispatchedEvent>();
    send_sync::<Value<ObjectId>>();
    send_sync::<JsString>();
    send_sync::<PropertyKey>();
    send_sync::<ObjectId>();
    send_sync::<PortId>();
    send_sync::<EventTarget>();
    send_sync::<AgentClusterId>();
}

#[test]
fn errors_box_into_send_sync_errors() {
    error::<CloneError<ObjectId>>();
    error::<DataCloneError>();
    error::<EncodeError>();
    error::<DecodeError>();
    error::<BroadcastError<ObjectId>>();
    error::<ThreadsError>();
    error::<BigIntParseError>();
}

#[test]
fn error_messages_are_lower_case_without_trailing_punctuation() {
    // The DOMException-named forms ("DataCloneError: ...",
    // "InvalidStateError: ...") start with the exception's name, as a
    // browser's console shows it; the text after the name follows the rule.
    let messages = [
        DataCloneError {
            step: "structuredserializeinternal/21",
            message: "functions could not be cloned".into(),
        }
        .to_string(),
        EncodeError::IllFormed("record 1 refers to record 9".into()).to_string(),
        webmessaging::structured::decode(b"not an encoding")
            .unwrap_err()
            .to_string(),
        "x".parse::<webmessaging::ecmascript::BigInt>()
            .unwrap_err()
            .to_string(),
        ThreadsError::Timeout(std::time::Duration::from_secs(1)).to_string(),
        ThreadsError::AgentPanicked("A".into()).to_string(),
    ];
    for message in messages {
        let first = message.chars().next().unwrap();
        assert!(!first.is_uppercase(), "{message:?} starts in upper case");
        assert!(!message.ends_with(['.', '!']), "{message:?} ends in punctuation");
    }
}

#[cfg(feature = "notation")]
#[test]
fn the_notation_and_scenario_errors_box_too() {
    error::<webmessaging::notation::NotationError>();
    error::<webmessaging::scenario::ParseError>();
    error::<webmessaging::scenario::RunError>();
    let message = webmessaging::notation::parse("{").unwrap_err().to_string();
    assert!(!message.starts_with(char::is_uppercase), "{message:?}");
}
