//! The `structuredClone(value, { transfer })` global, and this host's
//! platform objects as the structured-data algorithms see them
//! (`DOMException` is \[Serializable]).
//!
//! <https://html.spec.whatwg.org/multipage/structured-data.html#dom-structuredclone>
//! <https://webidl.spec.whatwg.org/#idl-DOMException> (serialization steps)

use super::dom_exception;
use super::event_loop::EventLoop;
use super::webidl::{define_operation, dictionary, member, sequence_of_objects};
use crate::platform::{PlatformObject, PlatformState, platform_data};
use crate::realm::{AgentSettings, BoaRealm, Object};
use boa_engine::{Context, JsError, JsResult, JsValue};
use webmessaging::ecmascript::{JsString, Value};
use webmessaging::messaging::{MESSAGE_PORT, PortHost};
use webmessaging::structured::{
    CloneError, Deserializer, PlatformObjects, RecordId, Serializer, TransferData, structured_clone,
};

/// The interface this host serializes.
pub const DOM_EXCEPTION: &str = "DOMException";

/// This host's serializable platform objects, as the structured-data
/// algorithms see them: `DOMException` is serializable. (With an agent's
/// MessagePorts, [`AgentHost`] adds the transferable ones.)
#[derive(Debug, Default, Clone, Copy)]
pub struct BoaHost;

fn dom_exception_fields(value: &Object) -> Option<(JsString, JsString)> {
    match &platform_data(&value.0)?.state {
        PlatformState::DomException { name, message } => Some((
            crate::realm::string_from_boa(name),
            crate::realm::string_from_boa(message),
        )),
        _ => None,
    }
}

impl<'c> PlatformObjects<BoaRealm<'c>> for BoaHost {
    fn is_serializable(&self, interface: &str) -> bool {
        interface == DOM_EXCEPTION
    }

    /// DOMException's serialization steps: its name and message.
    fn serialization_steps(
        &mut self,
        serializer: &mut Serializer<'_, BoaRealm<'c>>,
        value: &Object,
    ) -> Result<Vec<(String, RecordId)>, CloneError<Object>> {
        let (name, message) = dom_exception_fields(value).ok_or_else(|| {
            CloneError::new_data_clone("structuredserializeinternal/26.3", "not a DOMException")
        })?;
        let name = serializer.sub_serialization(self, &Value::String(name))?;
        let message = serializer.sub_serialization(self, &Value::String(message))?;
        Ok(vec![("name".to_owned(), name), ("message".to_owned(), message)])
    }

    fn is_exposed(&self, interface: &str, _: &BoaRealm<'c>) -> bool {
        interface == DOM_EXCEPTION
    }

    fn new_instance(
        &mut self,
        realm: &mut BoaRealm<'c>,
        interface: &str,
    ) -> Result<Object, CloneError<Object>> {
        if interface != DOM_EXCEPTION {
            return Err(CloneError::new_data_clone(
                "structureddeserialize/22.3",
                format!("{interface} is not exposed here"),
            ));
        }
        dom_exception::create(realm.context(), "", "")
            .map(Object)
            .map_err(|e| {
                CloneError::new_data_clone(
                    "structureddeserialize/22.3",
                    format!("a DOMException could not be made: {e}"),
                )
            })
    }

    /// DOMException's deserialization steps: name and message back.
    fn deserialization_steps(
        &mut self,
        deserializer: &mut Deserializer<'_, BoaRealm<'c>>,
        value: &Object,
        fields: &[(String, RecordId)],
    ) -> Result<(), CloneError<Object>> {
        let mut strings = Vec::new();
        for field in ["name", "message"] {
            let (_, id) = fields.iter().find(|(name, _)| name == field).ok_or_else(|| {
                CloneError::new_data_clone(
                    "structureddeserialize/24.4.1",
                    format!("malformed DOMException record: no {field}"),
                )
            })?;
            match deserializer.sub_deserialization(self, *id)? {
                Value::String(s) => strings.push(crate::realm::string_to_boa(&s)),
                _ => {
                    return Err(CloneError::new_data_clone(
                        "structureddeserialize/24.4.1",
                        format!("malformed DOMException record: {field}"),
                    ));
                }
            }
        }
        if let Some(mut data) = value.0.downcast_mut::<PlatformObject>()
            && let PlatformState::DomException { name, message } = &mut data.state
        {
            *message = strings.pop().unwrap_or_default();
            *name = strings.pop().unwrap_or_default();
        }
        Ok(())
    }

    fn is_transferable(&self, _: &str) -> bool {
        false
    }

    fn transfer_steps(
        &mut self,
        _: &mut BoaRealm<'c>,
        _: &Object,
    ) -> Result<TransferData, CloneError<Object>> {
        Err(CloneError::new_data_clone(
            "structuredserializewithtransfer/5.5.4",
            "this host has no transferable platform objects yet",
        ))
    }

    fn transfer_receiving_steps(
        &mut self,
        _: &mut BoaRealm<'c>,
        _: TransferData,
        _: &Object,
    ) -> Result<(), CloneError<Object>> {
        Err(CloneError::new_data_clone(
            "structureddeserializewithtransfer/3.4.4",
            "this host has no transferable platform objects yet",
        ))
    }
}

/// An agent's platform objects: `DOMException` (serializable, [`BoaHost`])
/// and its MessagePorts (transferable, the messaging core's port table).
pub struct AgentHost<'a> {
    /// The agent's port table.
    pub ports: PortHost<'a, Object>,
}

impl<'c> PlatformObjects<BoaRealm<'c>> for AgentHost<'_> {
    fn is_serializable(&self, interface: &str) -> bool {
        PlatformObjects::<BoaRealm<'c>>::is_serializable(&BoaHost, interface)
    }

    fn serialization_steps(
        &mut self,
        serializer: &mut Serializer<'_, BoaRealm<'c>>,
        value: &Object,
    ) -> Result<Vec<(String, RecordId)>, CloneError<Object>> {
        BoaHost.serialization_steps(serializer, value)
    }

    fn is_exposed(&self, interface: &str, realm: &BoaRealm<'c>) -> bool {
        interface == MESSAGE_PORT || BoaHost.is_exposed(interface, realm)
    }

    fn new_instance(
        &mut self,
        realm: &mut BoaRealm<'c>,
        interface: &str,
    ) -> Result<Object, CloneError<Object>> {
        if interface == MESSAGE_PORT {
            self.ports.new_instance(realm, interface)
        } else {
            BoaHost.new_instance(realm, interface)
        }
    }

    fn deserialization_steps(
        &mut self,
        deserializer: &mut Deserializer<'_, BoaRealm<'c>>,
        value: &Object,
        fields: &[(String, RecordId)],
    ) -> Result<(), CloneError<Object>> {
        BoaHost.deserialization_steps(deserializer, value, fields)
    }

    fn is_transferable(&self, interface: &str) -> bool {
        interface == MESSAGE_PORT
    }

    fn transfer_steps(
        &mut self,
        realm: &mut BoaRealm<'c>,
        value: &Object,
    ) -> Result<TransferData, CloneError<Object>> {
        self.ports.transfer_steps(realm, value)
    }

    fn transfer_receiving_steps(
        &mut self,
        realm: &mut BoaRealm<'c>,
        data: TransferData,
        value: &Object,
    ) -> Result<(), CloneError<Object>> {
        self.ports.transfer_receiving_steps(realm, data, value)
    }
}

/// The settings of the agent `context` belongs to.
pub fn agent_settings(context: &Context) -> AgentSettings {
    EventLoop::of(context).map_or_else(AgentSettings::default, |l| l.settings)
}

/// A CloneError as the exception a script sees: a "DataCloneError"
/// DOMException, or the thrown value itself.
pub fn clone_error_to_boa(realm: &mut BoaRealm<'_>, error: CloneError<Object>) -> JsError {
    match error {
        CloneError::DataClone(error) => {
            dom_exception::throw(realm.context(), "DataCloneError", &error.message)
        }
        CloneError::Thrown(value) => JsError::from_opaque(realm.value_to_boa(&value)),
    }
}

/// Runs `f`; with `tracing`, prints on standard error the spec steps it
/// ran (the command's `--trace`).
pub fn maybe_traced<T>(tracing: bool, f: impl FnOnce() -> T) -> T {
    if !tracing {
        return f();
    }
    let (result, steps) = webmessaging::spec::traced(f);
    eprint!("{}", webmessaging::spec::trace_text(&steps));
    result
}

/// `structuredClone(value, options)`
fn structured_clone_operation(_: &JsValue, args: &[JsValue], context: &mut Context) -> JsResult<JsValue> {
    let value = args.first().cloned().unwrap_or_default();
    // `optional StructuredSerializeOptions options = {}`, whose member is
    // `sequence<object> transfer = []`.
    let options = dictionary(
        &args.get(1).cloned().unwrap_or_default(),
        "structuredClone's options",
    )?;
    let transfer = member(&options, "transfer", context)?;
    let transfer = if transfer.is_undefined() {
        Vec::new()
    } else {
        sequence_of_objects(&transfer, "structuredClone's transfer", context)?
    };
    let event_loop = EventLoop::of(context);
    let tracing = event_loop.as_ref().is_some_and(|l| l.trace.get());
    let settings = agent_settings(context);
    let mut realm = BoaRealm::new(context, settings)?;
    let value = realm.value_from_boa(&value);
    let transfer: Vec<Object> = transfer.into_iter().map(Object).collect();
    // In an agent, its MessagePorts can be transferred too.
    let run = |realm: &mut BoaRealm<'_>| match &event_loop {
        Some(event_loop) => {
            let mut host = AgentHost {
                ports: event_loop.messaging.platform_objects(),
            };
            structured_clone(realm, &mut host, value, &transfer)
        }
        None => structured_clone(realm, &mut BoaHost, value, &transfer),
    };
    let result = maybe_traced(tracing, || run(&mut realm));
    match result {
        Ok(clone) => Ok(realm.value_to_boa(&clone)),
        Err(error) => Err(clone_error_to_boa(&mut realm, error)),
    }
}

/// Installs `structuredClone` on the global object.
pub fn install(context: &mut Context) -> JsResult<()> {
    let global = context.global_object();
    define_operation(&global, context, "structuredClone", 1, structured_clone_operation)
}
