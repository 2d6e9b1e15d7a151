//! Assembly: a raw graph's indices resolved into a notation document, and
//! whatever the notation (or, for serializable graphs, a successful clone)
//! requires repaired on the way.

use super::*;

/// Object kinds whose ToString cannot throw or run a getter, given
/// that serializable graphs have no `toString`, `valueOf`, `source` or
/// `flags` keys: safe Error messages for serializable graphs.
fn converts_quietly(kind: &Kind) -> bool {
    matches!(
        kind,
        Kind::Object
            | Kind::ObjectPrototype
            | Kind::Boolean(_)
            | Kind::Number(_)
            | Kind::String(_)
            | Kind::BigInt(_)
            | Kind::Date { .. }
            | Kind::ArrayBuffer(_)
            | Kind::View { .. }
            | Kind::Map { .. }
            | Kind::Set { .. }
    )
}

/// Whether the properties of an object of this kind are copied by
/// serialization (StructuredSerializeInternal step 26.4).
pub(super) fn copies_props(kind: &Kind) -> bool {
    matches!(kind, Kind::Object | Kind::ObjectPrototype | Kind::Array { .. })
}

/// Resolves raw references against `count` objects.
struct Resolver {
    count: usize,
    serializable_only: bool,
}

impl Resolver {
    fn val(&self, v: &RawVal) -> Val {
        match v {
            RawVal::Prim(p) => p.clone(),
            RawVal::Ref(_) if self.count == 0 => Val::Null,
            RawVal::Ref(i) => Val::Ref(i.index(self.count)),
        }
    }

    /// A value that serialization will meet: no Symbol in serializable graphs.
    fn visible(&self, v: &RawVal) -> Val {
        match self.val(v) {
            Val::Symbol(d) if self.serializable_only => Val::String(d.unwrap_or_default()),
            other => other,
        }
    }

    fn prop_value(&self, v: &RawPropValue, visible: bool) -> PropValue {
        let val = |v| if visible { self.visible(v) } else { self.val(v) };
        match v {
            RawPropValue::Data(v) => PropValue::Data(val(v)),
            RawPropValue::Returns(v) => PropValue::GetterReturns(val(v)),
            // A getter serialization calls must not throw in serializable graphs.
            RawPropValue::Throws(v) if visible && self.serializable_only => PropValue::GetterReturns(val(v)),
            RawPropValue::Throws(v) => PropValue::GetterThrows(self.val(v)),
        }
    }
}

impl RawGraph {
    /// The document this raw graph stands for under `config`.
    pub fn assemble(&self, config: &GraphConfig) -> Document {
        let r = Resolver {
            count: self.objects.len(),
            serializable_only: config.serializable_only,
        };
        let mut objects: Vec<Object> = Vec::with_capacity(self.objects.len());
        let mut seen_prototype = false;
        // Views are placed once every buffer is known.
        let mut views = Vec::new();
        for (i, raw) in self.objects.iter().enumerate() {
            let kind = match &raw.kind {
                RawKind::Object => Kind::Object,
                RawKind::ObjectPrototype if !seen_prototype => {
                    seen_prototype = true;
                    Kind::ObjectPrototype
                }
                RawKind::ObjectPrototype => Kind::Object,
                RawKind::Array { length } => Kind::Array { length: *length },
                RawKind::Boolean(b) => Kind::Boolean(*b),
                RawKind::Number(n) => Kind::Number(*n),
                RawKind::String(s) => Kind::String(s.clone()),
                RawKind::BigInt(b) => Kind::BigInt(b.clone()),
                RawKind::Date(t) => Kind::Date { time: *t },
                RawKind::RegExp {
                    source,
                    flags,
                    last_index,
                } => Kind::RegExp {
                    source: source.clone(),
                    flags: flags.clone(),
                    last_index: last_index.as_ref().map(|v| r.val(v)),
                },
                RawKind::ArrayBuffer(b) => Kind::ArrayBuffer(b.clone()),
                RawKind::View { .. } => {
                    views.push(i);
                    Kind::Object // placed below
                }
                RawKind::Map(entries) => {
                    let mut seen = HashSet::new();
                    Kind::Map {
                        entries: entries
                            .iter()
                            .map(|(k, v)| (map_key(r.visible(k)), r.visible(v)))
                            .filter(|(k, _)| seen.insert(same_value_zero(k)))
                            .collect(),
                    }
                }
                RawKind::Set(values) => {
                    let mut seen = HashSet::new();
                    Kind::Set {
                        values: values
                            .iter()
                            .map(|v| map_key(r.visible(v)))
                            .filter(|v| seen.insert(same_value_zero(v)))
                            .collect(),
                    }
                }
                RawKind::Error {
                    name, message, stack, ..
                } => Kind::Error {
                    name: *name,
                    message: message.as_ref().map(|v| r.visible(v)),
                    stack: stack.clone(),
                },
                RawKind::Refused(kind) => kind.clone(),
            };
            objects.push(Object::new(kind));
        }
        for &i in &views {
            let RawKind::View {
                kind,
                buffer,
                offset,
                length,
            } = &self.objects[i].kind
            else {
                unreachable!("only views were queued")
            };
            let buffers: Vec<usize> = (0..objects.len())
                .filter(|&b| matches!(objects[b].kind, Kind::ArrayBuffer(_)))
                .collect();
            let buffer = if buffers.is_empty() {
                // Nothing to view: the view brings its own buffer.
                objects.push(Object::new(Kind::ArrayBuffer(Buffer {
                    bytes: vec![0; 16],
                    ..Buffer::default()
                })));
                objects.len() - 1
            } else {
                buffers[buffer.index(buffers.len())]
            };
            let Kind::ArrayBuffer(viewed) = &objects[buffer].kind else {
                unreachable!("chosen among buffers")
            };
            objects[i].kind = place_view(*kind, buffer, viewed, *offset, *length, config.serializable_only);
        }
        if config.serializable_only {
            // An Error message must convert quietly.
            for i in 0..objects.len() {
                if let Kind::Error {
                    message: Some(Val::Ref(m)),
                    ..
                } = objects[i].kind
                    && !converts_quietly(&objects[m].kind)
                {
                    let Kind::Error { message, .. } = &mut objects[i].kind else {
                        unreachable!("matched above")
                    };
                    *message = Some(Val::String(JsString::from("message")));
                }
            }
        }
        for (i, raw) in self.objects.iter().enumerate() {
            let mut props = self.props(raw, &objects[i].kind, &r);
            if let RawKind::Error {
                own_name: Some((value, enumerable)),
                ..
            } = &raw.kind
            {
                // Get(value, "name") runs whatever the property is.
                let name = Key::String(JsString::from("name"));
                props.retain(|p| p.key != name);
                props.insert(
                    0,
                    Prop {
                        key: name,
                        value: r.prop_value(value, true),
                        enumerable: *enumerable,
                    },
                );
            }
            let length = fit_array_length(&objects[i].kind, &props);
            if let (Kind::Array { length: l }, Some(length)) = (&mut objects[i].kind, length) {
                *l = length;
            }
            objects[i].props = props;
        }
        let containers: Vec<usize> = (0..objects.len())
            .filter(|&i| {
                copies_props(&objects[i].kind)
                    || matches!(objects[i].kind, Kind::Map { .. } | Kind::Set { .. })
            })
            .collect();
        for (i, raw) in self.objects.iter().enumerate() {
            let earlier = containers.partition_point(|&c| c < i);
            if let (Some(parent), true) = (&raw.parent, earlier > 0) {
                link(&mut objects[containers[parent.index(earlier)]], i);
            }
        }
        // The first container is the root, when the root is an object.
        let root = match (&self.root, containers.first()) {
            (RawVal::Ref(_), Some(&first)) => Val::Ref(first),
            (other, _) => r.visible(other),
        };
        let transfer = self.transfer_list(&objects, config);
        Document {
            root,
            objects,
            transfer,
        }
    }

    /// The object's own properties: keys distinct, no key that is a field
    /// (or virtual) for its kind.
    fn props(&self, raw: &RawObject, kind: &Kind, r: &Resolver) -> Vec<Prop> {
        let mut seen = HashSet::new();
        let mut props = Vec::new();
        for p in &raw.props {
            if !seen.insert(p.key.clone()) || is_field(kind, &p.key, &p.value) {
                continue;
            }
            // Serialization reads enumerable String-keyed properties of the
            // objects whose properties it copies, and an Error's `name`.
            let is_name = matches!((kind, &p.key), (Kind::Error { .. }, Key::String(k)) if *k == JsString::from("name"));
            let visible = is_name || (copies_props(kind) && p.enumerable && matches!(p.key, Key::String(_)));
            props.push(Prop {
                key: p.key.clone(),
                value: r.prop_value(&p.value, visible),
                enumerable: p.enumerable,
            });
        }
        props
    }

    fn transfer_list(&self, objects: &[Object], config: &GraphConfig) -> Vec<usize> {
        if !config.with_transfer || objects.is_empty() {
            return Vec::new();
        }
        if !config.serializable_only {
            let buffers: Vec<usize> = (0..objects.len())
                .filter(|&i| matches!(objects[i].kind, Kind::ArrayBuffer(_)))
                .collect();
            let mut list: Vec<usize> = Vec::new();
            for (pick, i) in &self.transfer {
                let fresh: Vec<usize> = buffers.iter().copied().filter(|b| !list.contains(b)).collect();
                let entry = match pick {
                    Pick::NewBuffer if !fresh.is_empty() => fresh[i.index(fresh.len())],
                    Pick::Repeat if !list.is_empty() => list[i.index(list.len())],
                    Pick::Any => i.index(objects.len()),
                    // Nothing fits: a shorter list.
                    _ => continue,
                };
                list.push(entry);
            }
            return list;
        }
        // Distinct ArrayBuffers that can be detached.
        let movable: Vec<usize> = (0..objects.len())
            .filter(|&i| {
                matches!(&objects[i].kind, Kind::ArrayBuffer(b) if !b.shared && !b.detached && !b.detach_key)
            })
            .collect();
        if movable.is_empty() {
            return Vec::new();
        }
        let mut seen = HashSet::new();
        self.transfer
            .iter()
            .map(|(_, i)| movable[i.index(movable.len())])
            .filter(|i| seen.insert(*i))
            .collect()
    }
}

/// Makes `container` hold object `child`, where serialization will look.
fn link(container: &mut Object, child: usize) {
    let key = format!("p{child}");
    match &mut container.kind {
        Kind::Map { entries } => entries.push((Val::String(JsString::from(key.as_str())), Val::Ref(child))),
        Kind::Set { values } => {
            if !values.iter().any(|v| matches!(v, Val::Ref(r) if *r == child)) {
                values.push(Val::Ref(child));
            }
        }
        _ => container.props.push(Prop::new_data(&key, Val::Ref(child))),
    }
}

/// A view of `kind` over `viewed` at `offset` elements; in serializable
/// graphs clamped to lie within the buffer.
fn place_view(
    kind: ViewKind,
    buffer: usize,
    viewed: &Buffer,
    offset: usize,
    length: Option<usize>,
    in_bounds: bool,
) -> Kind {
    let size = element_size(kind);
    let mut byte_offset = offset * size;
    // Only a view over a resizable buffer may track its length.
    let mut length = length.or(if viewed.max_byte_length.is_some() {
        None
    } else {
        Some(0)
    });
    if in_bounds {
        let len = viewed.bytes.len();
        if byte_offset > len {
            byte_offset = len / size * size;
        }
        length = length.map(|n| n.min((len - byte_offset) / size));
    }
    Kind::View {
        kind,
        buffer,
        byte_offset,
        length,
    }
}

/// Whether a property with this key would be a field of (or virtual on) an
/// object of this kind, which the notation spells otherwise.
fn is_field(kind: &Kind, key: &Key, value: &RawPropValue) -> bool {
    let Key::String(key) = key else {
        return false;
    };
    let is = |name: &str| *key == JsString::from(name);
    match kind {
        Kind::Array { .. } => is("length"),
        Kind::String(s) => is("length") || index_of(key).is_some_and(|i| (i as usize) < s.len()),
        Kind::RegExp { .. } => is("lastIndex"),
        Kind::Error { message, .. } => {
            is("message") && (message.is_some() || matches!(value, RawPropValue::Data(_)))
        }
        _ => false,
    }
}

/// The Array's length grown past its largest index property, if needed.
fn fit_array_length(kind: &Kind, props: &[Prop]) -> Option<u32> {
    let Kind::Array { length } = kind else {
        return None;
    };
    let largest = props
        .iter()
        .filter_map(|p| match &p.key {
            Key::String(k) => index_of(k),
            Key::Symbol(_) => None,
        })
        .max()?;
    Some((*length).max(largest + 1))
}

/// The array index a key stands for (a canonical numeric String below
/// 2^32 - 1).
/// What a Map or Set stores for a key: -0 becomes +0 (Map.prototype.set
/// and Set.prototype.add normalise it).
fn map_key(key: Val) -> Val {
    match key {
        // -0 + 0 is +0; every other number is unchanged by adding +0.
        Val::Number(n) => Val::Number(n + 0.0),
        other => other,
    }
}

/// The array index a key names, if any.
pub fn index_of(key: &JsString) -> Option<u32> {
    let text = key.to_rust_string()?;
    let n: u32 = text.parse().ok()?;
    (n != u32::MAX && n.to_string() == text).then_some(n)
}

/// A key under which SameValueZero-equal values are equal.
fn same_value_zero(v: &Val) -> String {
    match v {
        Val::Number(n) if n.is_nan() => "n:NaN".to_owned(),
        Val::Number(n) => format!("n:{}", n + 0.0),
        Val::Bool(b) => format!("b:{b}"),
        Val::BigInt(b) => format!("i:{b}"),
        Val::String(s) => format!("s:{:?}", s.code_units()),
        Val::Symbol(d) => format!("y:{d:?}"),
        Val::Ref(i) => format!("r:{i}"),
        Val::Undefined => "u".to_owned(),
        Val::Null => "null".to_owned(),
    }
}
