//! The standard's own example of a \[Serializable] platform object, `Person`
//! (a name and a best friend, who is another Person or null), as a worked
//! example of the [`PlatformObjects`] host trait for engine authors, and so
//! that the serializable-platform-object steps run in tests and checks.
//!
//! <https://html.spec.whatwg.org/multipage/structured-data.html#serializable-objects>

use super::{CloneError, Deserializer, PlatformObjects, RecordId, Serializer, TransferData};
use crate::ecmascript::{Heap, JsString, ObjectId, ObjectKind, Value};

/// The interface identifier.
pub const PERSON: &str = "Person";

/// A Person's associated data.
#[derive(Clone, Debug, PartialEq)]
pub struct PersonData {
    /// The name value.
    pub name: JsString,
    /// The best friend value: another Person object, or null.
    pub best_friend: Option<ObjectId>,
}

/// A host whose one platform interface is `Person`; its objects' data is
/// kept here, by the heap object's host handle.
#[derive(Debug, Clone)]
pub struct PersonHost {
    people: Vec<PersonData>,
    /// Whether `Person` is exposed in the realms this host serves.
    pub exposed: bool,
}

impl Default for PersonHost {
    fn default() -> Self {
        PersonHost {
            people: Vec::new(),
            exposed: true,
        }
    }
}

impl PersonHost {
    /// A new Person object in `heap`.
    pub fn create(&mut self, heap: &mut Heap, name: &str, best_friend: Option<ObjectId>) -> ObjectId {
        let host = self.people.len() as u64;
        self.people.push(PersonData {
            name: JsString::from(name),
            best_friend,
        });
        heap.alloc(ObjectKind::Platform {
            interface: PERSON.into(),
            detached: None,
            host,
        })
    }

    /// The data of a Person object.
    pub fn data(&self, heap: &Heap, person: ObjectId) -> Option<&PersonData> {
        match &heap.get_object(person)?.kind() {
            ObjectKind::Platform { interface, host, .. } if &**interface == PERSON => {
                self.people.get(usize::try_from(*host).ok()?)
            }
            _ => None,
        }
    }

    /// Sets a Person's best friend.
    pub fn set_best_friend(&mut self, heap: &Heap, person: ObjectId, friend: Option<ObjectId>) {
        if let ObjectKind::Platform { host, .. } = heap.object(person).kind()
            && let Some(data) = usize::try_from(*host).ok().and_then(|h| self.people.get_mut(h))
        {
            data.best_friend = friend;
        }
    }

    fn data_mut(&mut self, heap: &Heap, person: ObjectId) -> Option<&mut PersonData> {
        match &heap.get_object(person)?.kind() {
            ObjectKind::Platform { interface, host, .. } if &**interface == PERSON => {
                self.people.get_mut(usize::try_from(*host).ok()?)
            }
            _ => None,
        }
    }
}

fn field(fields: &[(String, RecordId)], name: &str) -> Result<RecordId, CloneError<ObjectId>> {
    fields
        .iter()
        .find(|(n, _)| n == name)
        .map(|(_, r)| *r)
        .ok_or_else(|| {
            CloneError::new_data_clone(
                "structureddeserialize/24.4.1",
                format!("a serialized Person has no [[{name}]]"),
            )
        })
}

impl PlatformObjects<Heap> for PersonHost {
    fn is_serializable(&self, interface: &str) -> bool {
        interface == PERSON
    }

    /// The example's serialization steps: [[Name]] is the name, and
    /// [[BestFriend]] a sub-serialization of the best friend.
    fn serialization_steps(
        &mut self,
        serializer: &mut Serializer<'_, Heap>,
        value: &ObjectId,
    ) -> Result<Vec<(String, RecordId)>, CloneError<ObjectId>> {
        let data = self.data(serializer.realm(), *value).cloned().ok_or_else(|| {
            CloneError::new_data_clone("structuredserializeinternal/26.3", "not a Person of this host")
        })?;
        // The name is a plain string; records hold it as a primitive record.
        let name = serializer.sub_serialization(self, &Value::String(data.name))?;
        let friend = data.best_friend.map_or(Value::Null, Value::Object);
        let best_friend = serializer.sub_serialization(self, &friend)?;
        Ok(vec![
            ("Name".to_owned(), name),
            ("BestFriend".to_owned(), best_friend),
        ])
    }

    fn is_exposed(&self, interface: &str, _: &Heap) -> bool {
        self.exposed && interface == PERSON
    }

    fn new_instance(&mut self, realm: &mut Heap, interface: &str) -> Result<ObjectId, CloneError<ObjectId>> {
        if interface != PERSON {
            return Err(CloneError::new_data_clone(
                "structureddeserialize/22.3",
                format!("{interface} is not exposed in the target realm"),
            ));
        }
        Ok(self.create(realm, "", None))
    }

    /// The example's deserialization steps: the name from [[Name]], the best
    /// friend from a sub-deserialization of [[BestFriend]].
    fn deserialization_steps(
        &mut self,
        deserializer: &mut Deserializer<'_, Heap>,
        value: &ObjectId,
        fields: &[(String, RecordId)],
    ) -> Result<(), CloneError<ObjectId>> {
        let name = match deserializer.sub_deserialization(self, field(fields, "Name")?)? {
            Value::String(name) => name,
            other => {
                return Err(CloneError::new_data_clone(
                    "structureddeserialize/24.4.1",
                    format!("a Person's name is a {}", other.type_name()),
                ));
            }
        };
        let best_friend = match deserializer.sub_deserialization(self, field(fields, "BestFriend")?)? {
            Value::Null => None,
            Value::Object(friend) if self.data(deserializer.realm(), friend).is_some() => Some(friend),
            _ => {
                return Err(CloneError::new_data_clone(
                    "structureddeserialize/24.4.1",
                    "a Person's best friend is another Person or null",
                ));
            }
        };
        let realm = deserializer.realm();
        let data = self
            .data_mut(realm, *value)
            .ok_or_else(|| CloneError::new_data_clone("structureddeserialize/24.4.1", "not a Person"))?;
        *data = PersonData { name, best_friend };
        Ok(())
    }

    fn is_transferable(&self, _: &str) -> bool {
        false
    }

    fn transfer_steps(&mut self, _: &mut Heap, _: &ObjectId) -> Result<TransferData, CloneError<ObjectId>> {
        Err(CloneError::new_data_clone(
            "structuredserializewithtransfer/5.5.4",
            "Person objects are not transferable",
        ))
    }

    fn transfer_receiving_steps(
        &mut self,
        _: &mut Heap,
        _: TransferData,
        _: &ObjectId,
    ) -> Result<(), CloneError<ObjectId>> {
        Err(CloneError::new_data_clone(
            "structureddeserializewithtransfer/3.4.4",
            "Person objects are not transferable",
        ))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::structured::{
        Record, decode, encode, structured_clone, structured_deserialize, structured_serialize_for_storage,
    };

    #[test]
    fn best_friends_clone_as_a_cycle() {
        let mut heap = Heap::default();
        let mut host = PersonHost::default();
        let alice = host.create(&mut heap, "Alice", None);
        let bob = host.create(&mut heap, "Bob", Some(alice));
        host.set_best_friend(&heap, alice, Some(bob));
        let clone = structured_clone(&mut heap, &mut host, Value::Object(alice), &[]).unwrap();
        let Value::Object(alice2) = clone else {
            panic!("{clone:?}")
        };
        assert_ne!(alice2, alice);
        let a = host.data(&heap, alice2).unwrap().clone();
        assert_eq!(a.name, JsString::from("Alice"));
        let bob2 = a.best_friend.unwrap();
        assert_ne!(bob2, bob);
        let b = host.data(&heap, bob2).unwrap();
        assert_eq!(b.name, JsString::from("Bob"));
        assert_eq!(b.best_friend, Some(alice2), "the cycle is kept, not copied twice");
    }

    #[test]
    fn a_person_survives_storage_as_bytes() {
        let mut heap = Heap::default();
        let mut host = PersonHost::default();
        let carol = host.create(&mut heap, "Carol", None);
        let serialized =
            structured_serialize_for_storage(&mut heap, &mut host, &Value::Object(carol)).unwrap();
        assert!(
            matches!(&serialized.records[serialized.root.index()], Record::Platform { interface, .. } if interface == PERSON)
        );
        let bytes = encode(&serialized).unwrap();
        let mut other = Heap::default();
        let value = structured_deserialize(&mut other, &mut host, &decode(&bytes).unwrap()).unwrap();
        let Value::Object(carol2) = value else { panic!() };
        assert_eq!(host.data(&other, carol2).unwrap().name, JsString::from("Carol"));
    }

    #[test]
    fn a_realm_without_person_refuses_to_deserialize_one() {
        let mut heap = Heap::default();
        let mut host = PersonHost::default();
        let dan = host.create(&mut heap, "Dan", None);
        let serialized =
            crate::structured::structured_serialize(&mut heap, &mut host, &Value::Object(dan)).unwrap();
        host.exposed = false;
        let err = structured_deserialize(&mut Heap::default(), &mut host, &serialized).unwrap_err();
        assert!(err.to_string().contains("not exposed"), "{err}");
    }

    #[test]
    fn platform_objects_of_no_serializable_interface_are_refused() {
        let mut heap = Heap::default();
        let mut host = PersonHost::default();
        let blob = heap.alloc(ObjectKind::Platform {
            interface: "Blob".into(),
            detached: None,
            host: 0,
        });
        let err = structured_clone(&mut heap, &mut host, Value::Object(blob), &[]).unwrap_err();
        assert!(
            err.to_string().contains("Blob objects could not be cloned"),
            "{err}"
        );
    }
}
