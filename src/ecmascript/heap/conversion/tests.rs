//! ToString's behaviour on every kind of value, cycles, inheritance and
//! the limits.

mod values {
    use super::super::*;
    use crate::ecmascript::{BigInt, Realm, ViewKind};

    fn string(heap: &mut Heap, value: Value<ObjectId>) -> String {
        heap.to_js_string(&value)
            .expect("ToString succeeds")
            .to_string_lossy()
    }

    #[test]
    fn primitives() {
        let mut heap = Heap::default();
        let cases: [(Value<ObjectId>, &str); 12] = [
            (Value::Undefined, "undefined"),
            (Value::Null, "null"),
            (Value::Boolean(true), "true"),
            (Value::Boolean(false), "false"),
            (Value::Number(-0.0), "0"),
            (Value::Number(f64::NAN), "NaN"),
            (Value::Number(-f64::INFINITY), "-Infinity"),
            (Value::Number(1e21), "1e+21"),
            (Value::Number(0.1), "0.1"),
            (Value::BigInt(BigInt::from(-12)), "-12"),
            (Value::from("text"), "text"),
            (Value::from(""), ""),
        ];
        for (value, expected) in cases {
            assert_eq!(string(&mut heap, value), expected);
        }
        let lone = JsString::from_code_units(vec![0xDC00]);
        assert_eq!(heap.to_js_string(&Value::String(lone.clone())).unwrap(), lone);
    }

    #[test]
    fn symbols_throw_a_type_error() {
        let mut heap = Heap::default();
        let symbol = heap.new_symbol(Some(JsString::from("s")));
        let before = heap.len();
        let result = heap.to_js_string(&Value::Symbol(symbol.clone()));
        assert_eq!(
            thrown(&mut heap, result),
            "TypeError: Cannot convert a Symbol value to a string"
        );
        assert_eq!(heap.len(), before + 1, "the TypeError lives in the heap");
        // A Symbol object converts through its Symbol, and fails the same way.
        let wrapper = heap.alloc(ObjectKind::SymbolObject(symbol));
        let result = heap.to_js_string(&Value::Object(wrapper));
        assert!(thrown(&mut heap, result).starts_with("TypeError"));
    }

    #[test]
    fn wrappers_dates_and_tags() {
        let mut heap = Heap::default();
        let object = |heap: &mut Heap, kind| Value::Object(heap.alloc(kind));
        let cases = [
            (ObjectKind::BooleanWrapper(false), "false"),
            (ObjectKind::NumberWrapper(-0.0), "0"),
            (ObjectKind::BigIntWrapper(BigInt::from(7)), "7"),
            (ObjectKind::StringWrapper(JsString::from("ab")), "ab"),
            (
                ObjectKind::Date(0.0),
                "Thu Jan 01 1970 00:00:00 GMT+0000 (Coordinated Universal Time)",
            ),
            (ObjectKind::Date(f64::NAN), "Invalid Date"),
            (ObjectKind::Ordinary, "[object Object]"),
            (ObjectKind::ObjectPrototype, "[object Object]"),
            (ObjectKind::Map(Vec::new()), "[object Map]"),
            (ObjectKind::Set(Vec::new()), "[object Set]"),
            (ObjectKind::WeakMap, "[object WeakMap]"),
            (ObjectKind::Promise, "[object Promise]"),
            (ObjectKind::Proxy, "[object Object]"),
            (ObjectKind::Function, "function () { [native code] }"),
            (
                ObjectKind::Platform {
                    interface: "MessagePort".into(),
                    detached: Some(false),
                    host: 1,
                },
                "[object MessagePort]",
            ),
        ];
        for (kind, expected) in cases {
            let value = object(&mut heap, kind);
            assert_eq!(string(&mut heap, value), expected);
        }
        let buffer = heap.create_array_buffer(vec![0; 4], None).unwrap();
        assert_eq!(string(&mut heap, Value::Object(buffer)), "[object ArrayBuffer]");
        let view = heap.alloc(ObjectKind::View {
            kind: ViewKind::Float16Array,
            buffer,
            byte_offset: 0,
            length: None,
        });
        assert_eq!(
            string(&mut heap, Value::Object(view)),
            "0,0",
            "a typed array joins its elements"
        );
    }

    #[test]
    fn regexps_print_source_and_flags() {
        let mut heap = Heap::default();
        let r = heap
            .create_regexp(JsString::from("a/b"), JsString::from("ig"))
            .unwrap();
        assert_eq!(string(&mut heap, Value::Object(r)), "/a\\/b/gi");
        let empty = heap
            .create_regexp(JsString::default(), JsString::default())
            .unwrap();
        assert_eq!(string(&mut heap, Value::Object(empty)), "/(?:)/");
        // `source` is read with [[Get]], so an own property shadows the getter.
        heap.define_property(empty, "source".into(), OwnProperty::new_data(Value::from("x")));
        assert_eq!(string(&mut heap, Value::Object(empty)), "/x/");
    }

    #[test]
    fn errors_print_name_and_message() {
        let mut heap = Heap::default();
        let e = heap.create_error(ErrorPrototype::RangeError, "too big");
        assert_eq!(string(&mut heap, Value::Object(e)), "RangeError: too big");
        let bare = heap.ordinary_error_create(ErrorPrototype::URIError);
        assert_eq!(string(&mut heap, Value::Object(bare)), "URIError");
        heap.define_property(bare, "message".into(), OwnProperty::new_data(Value::Number(5.0)));
        heap.define_property(bare, "name".into(), OwnProperty::new_data(Value::from("")));
        assert_eq!(string(&mut heap, Value::Object(bare)), "5");
        heap.define_property(bare, "name".into(), OwnProperty::new_data(Value::Undefined));
        assert_eq!(string(&mut heap, Value::Object(bare)), "Error: 5");
    }

    #[test]
    fn throwing_getters_propagate() {
        let mut heap = Heap::default();
        let e = heap.ordinary_error_create(ErrorPrototype::Error);
        let getter = OwnProperty::Accessor {
            getter: Box::new(Accessor::Throws(Value::from("from the getter"))),
            enumerable: false,
            configurable: true,
        };
        heap.define_property(e, "message".into(), getter.clone());
        match heap.to_js_string(&Value::Object(e)) {
            Err(Exception(Value::String(s))) => assert_eq!(s, JsString::from("from the getter")),
            other => panic!("expected the getter's exception, got {other:?}"),
        }
        let a = heap.array_create(2);
        heap.define_property(a, "1".into(), getter.clone());
        assert!(heap.to_js_string(&Value::Object(a)).is_err());
        let o = heap.alloc(ObjectKind::Ordinary);
        heap.define_property(o, "toString".into(), getter);
        assert!(heap.to_js_string(&Value::Object(o)).is_err());
        // A Symbol name makes Error.prototype.toString throw a TypeError.
        let symbol = heap.new_symbol(None);
        heap.define_property(e, "message".into(), OwnProperty::new_data(Value::Symbol(symbol)));
        let result = heap.to_js_string(&Value::Object(e));
        assert!(thrown(&mut heap, result).starts_with("TypeError"));
    }

    #[test]
    fn own_to_string_and_value_of() {
        let mut heap = Heap::default();
        let n = heap.create_number_object(5.0);
        heap.define_property(n, "toString".into(), OwnProperty::new_data(Value::Number(1.0)));
        assert_eq!(
            string(&mut heap, Value::Object(n)),
            "5",
            "valueOf runs when toString is not callable"
        );
        let o = heap.alloc(ObjectKind::Ordinary);
        heap.define_property(o, "toString".into(), OwnProperty::new_data(Value::Null));
        let result = heap.to_js_string(&Value::Object(o));
        assert_eq!(
            thrown(&mut heap, result),
            "TypeError: Cannot convert object to primitive value"
        );
        let f = heap.alloc(ObjectKind::Function);
        heap.define_property(o, "toString".into(), OwnProperty::new_data(Value::Object(f)));
        assert_eq!(string(&mut heap, Value::Object(o)), "[object Object]");
    }

    #[test]
    fn arrays_join_with_commas_and_cut_cycles() {
        let mut heap = Heap::default();
        let inner = heap.array_create(0);
        heap.create_data_property(&inner, "0".into(), Value::Number(3.0));
        let middle = heap.array_create(0);
        heap.create_data_property(&middle, "0".into(), Value::Number(2.0));
        heap.create_data_property(&middle, "1".into(), Value::Object(inner));
        let a = heap.array_create(6);
        heap.create_data_property(&a, "0".into(), Value::Number(1.0));
        heap.create_data_property(&a, "1".into(), Value::Object(middle));
        heap.create_data_property(&a, "2".into(), Value::Null);
        heap.create_data_property(&a, "3".into(), Value::Undefined);
        heap.create_data_property(&a, "5".into(), Value::from("x"));
        assert_eq!(string(&mut heap, Value::Object(a)), "1,2,3,,,,x");

        // b = [1, b, [b, 2]] joins as V8 joins it.
        let b = heap.array_create(0);
        let c = heap.array_create(0);
        heap.create_data_property(&c, "0".into(), Value::Object(b));
        heap.create_data_property(&c, "1".into(), Value::Number(2.0));
        heap.create_data_property(&b, "0".into(), Value::Number(1.0));
        heap.create_data_property(&b, "1".into(), Value::Object(b));
        heap.create_data_property(&b, "2".into(), Value::Object(c));
        assert_eq!(string(&mut heap, Value::Object(b)), "1,,,2");

        let holes = heap.array_create(5);
        assert_eq!(string(&mut heap, Value::Object(holes)), ",,,,");
        let empty = heap.array_create(0);
        assert_eq!(string(&mut heap, Value::Object(empty)), "");
    }

    #[test]
    fn huge_and_deep_conversions_throw_range_errors() {
        let mut heap = Heap::default();
        let sparse = heap.array_create(u32::MAX);
        let result = heap.to_js_string(&Value::Object(sparse));
        assert_eq!(thrown(&mut heap, result), "RangeError: Invalid string length");
        // Join reads index 1 before the separators grow too long: its getter throws first.
        let getter = OwnProperty::Accessor {
            getter: Box::new(Accessor::Throws(Value::from("index 1"))),
            enumerable: true,
            configurable: true,
        };
        heap.define_property(sparse, "1".into(), getter);
        match heap.to_js_string(&Value::Object(sparse)) {
            Err(Exception(Value::String(s))) => assert_eq!(s, JsString::from("index 1")),
            other => panic!("expected the getter's exception, got {other:?}"),
        }

        // An Error whose name is itself recurses until the depth limit.
        let e = heap.ordinary_error_create(ErrorPrototype::Error);
        heap.define_property(e, "name".into(), OwnProperty::new_data(Value::Object(e)));
        let result = heap.to_js_string(&Value::Object(e));
        assert_eq!(
            thrown(&mut heap, result),
            "RangeError: Maximum call stack size exceeded"
        );

        // Deeply nested Arrays: fine below the limit, a RangeError above it.
        let mut nested = heap.array_create(0);
        for depth in 1..=5000 {
            let outer = heap.array_create(0);
            heap.create_data_property(&outer, "0".into(), Value::Object(nested));
            nested = outer;
            if depth == 900 {
                assert_eq!(string(&mut heap, Value::Object(nested)), "");
            }
        }
        let result = heap.to_js_string(&Value::Object(nested));
        assert!(thrown(&mut heap, result).starts_with("RangeError"));
    }
}

mod join {
    use super::super::*;
    use crate::ecmascript::{ArrayBufferState, ViewKind};

    fn text(heap: &mut Heap, o: ObjectId) -> String {
        heap.to_js_string(&Value::Object(o))
            .map(|s| s.to_string_lossy())
            .unwrap_or_else(|_| "threw".into())
    }

    #[test]
    fn typed_arrays_join_their_elements_and_throw_out_of_bounds() {
        let mut heap = Heap::default();
        let buffer = heap.alloc(ObjectKind::array_buffer_of(ArrayBufferState::Owned {
            data: Some(vec![1, 2, 0xff]),
            max_byte_length: Some(8),
            detach_key: false,
        }));
        let u8s = heap.alloc(ObjectKind::View {
            kind: ViewKind::Uint8Array,
            buffer,
            byte_offset: 0,
            length: None,
        });
        let i8s = heap.alloc(ObjectKind::View {
            kind: ViewKind::Int8Array,
            buffer,
            byte_offset: 1,
            length: Some(2),
        });
        let outside = heap.alloc(ObjectKind::View {
            kind: ViewKind::Uint8Array,
            buffer,
            byte_offset: 2,
            length: Some(4),
        });
        let view = heap.alloc(ObjectKind::View {
            kind: ViewKind::DataView,
            buffer,
            byte_offset: 0,
            length: None,
        });
        assert_eq!(text(&mut heap, u8s), "1,2,255");
        assert_eq!(text(&mut heap, i8s), "2,-1");
        assert_eq!(text(&mut heap, view), "[object DataView]");
        let thrown = heap.to_js_string(&Value::Object(outside));
        assert_eq!(thrown_message(&mut heap, thrown), "TypeError");
    }

    #[test]
    fn an_own_join_that_cannot_be_called_gives_the_object_tag() {
        let mut heap = Heap::default();
        let array = heap.alloc(ObjectKind::Array { length: 2 });
        heap.define_property(
            array,
            PropertyKey::from("0"),
            OwnProperty::new_data(Value::Number(1.0)),
        );
        assert_eq!(text(&mut heap, array), "1,");
        heap.define_property(
            array,
            PropertyKey::from("join"),
            OwnProperty::new_data(Value::Number(5.0)),
        );
        assert_eq!(text(&mut heap, array), "[object Array]");
        let f = heap.alloc(ObjectKind::Function);
        heap.define_property(
            array,
            PropertyKey::from("join"),
            OwnProperty::new_data(Value::Object(f)),
        );
        assert_eq!(
            text(&mut heap, array),
            "1,",
            "a callable join is taken as the builtin"
        );
    }

    fn thrown_message(heap: &mut Heap, completion: Completion<JsString>) -> String {
        match completion {
            Err(Exception(Value::Object(e))) => match heap.get_property(e, &PropertyKey::from("name")) {
                Ok(Value::String(s)) => s.to_string_lossy(),
                other => format!("{other:?}"),
            },
            other => format!("no throw: {other:?}"),
        }
    }
}

mod inheritance {
    use super::super::*;

    #[test]
    fn holes_and_missing_properties_read_object_prototype() {
        let mut heap = Heap::default();
        let proto = heap.object_prototype();
        heap.define_property(
            proto,
            PropertyKey::from("1"),
            OwnProperty::new_data(Value::from("inherited")),
        );
        heap.define_property(
            proto,
            PropertyKey::from("boom"),
            OwnProperty::Accessor {
                getter: Box::new(Accessor::Throws(Value::from("thrown"))),
                enumerable: false,
                configurable: true,
            },
        );
        let array = heap.alloc(ObjectKind::Array { length: 3 });
        assert_eq!(
            heap.to_js_string(&Value::Object(array))
                .unwrap()
                .to_string_lossy(),
            ",inherited,"
        );
        let plain = heap.alloc(ObjectKind::Ordinary);
        assert!(
            matches!(heap.get_property(plain, &"1".into()), Ok(Value::String(s)) if s == JsString::from("inherited"))
        );
        assert!(matches!(
            heap.get_property(plain, &"boom".into()),
            Err(Exception(Value::String(_)))
        ));
        // Error.prototype's own `message` shadows Object.prototype's.
        heap.define_property(
            proto,
            PropertyKey::from("message"),
            OwnProperty::new_data(Value::from("no")),
        );
        let error = heap.create_error(ErrorPrototype::Error, "");
        heap.object_mut(error)
            .properties
            .retain(|k, _| *k != PropertyKey::from("message"));
        assert!(matches!(heap.get_property(error, &"message".into()), Ok(Value::String(s)) if s.is_empty()));
    }
}

/// Work counted, not timed: shared structure is converted once, long
/// results are refused before they are written, and texts are kept between
/// conversions exactly while they cannot change.
mod bounds {
    use super::super::*;
    use crate::ecmascript::{ArrayBufferState, Realm, SharedDataBlock, ViewKind};

    fn text(heap: &mut Heap, o: ObjectId) -> String {
        heap.to_js_string(&Value::Object(o))
            .expect("ToString succeeds")
            .to_string_lossy()
    }

    /// ToString applications made by `f`.
    fn count<T>(heap: &mut Heap, f: impl FnOnce(&mut Heap) -> T) -> (T, u64) {
        let before = heap.to_string_count();
        let out = f(heap);
        (out, heap.to_string_count() - before)
    }

    fn array_of(heap: &mut Heap, elements: &[Value<ObjectId>]) -> ObjectId {
        let a = heap.array_create(0);
        for (i, e) in elements.iter().enumerate() {
            heap.create_data_property(&a, i.to_string().as_str().into(), e.clone());
        }
        a
    }

    /// Errors e1..e_depth, each with the one before as both its name and its
    /// message; e0 is a plain Error.
    fn error_dag(heap: &mut Heap, depth: usize) -> Vec<ObjectId> {
        let mut errors = vec![heap.ordinary_error_create(ErrorPrototype::Error)];
        for _ in 0..depth {
            let e = heap.ordinary_error_create(ErrorPrototype::Error);
            let inner = Value::Object(*errors.last().unwrap());
            heap.define_property(e, "name".into(), OwnProperty::new_data(inner.clone()));
            heap.define_property(e, "message".into(), OwnProperty::new_data(inner));
            errors.push(e);
        }
        errors
    }

    #[test]
    fn an_error_dag_converts_each_error_once() {
        let mut heap = Heap::default();
        let errors = error_dag(&mut heap, 40);
        // Small enough to write out: the text an engine gives, "E: E" doubled.
        let mut expected = "Error".to_owned();
        for (depth, &error) in errors.iter().enumerate().take(9).skip(1) {
            expected = format!("{expected}: {expected}");
            let (got, work) = count(&mut heap, |h| text(h, error));
            assert_eq!(got, expected);
            // One for e_depth, two per edge below it, two for e0's own name
            // and message (inherited Strings).
            assert!(work <= 2 * depth as u64 + 3, "depth {depth}: {work} applications");
        }
        // At depth 40 the text would be 7 × 2^40 code units: a RangeError,
        // found from the lengths alone, after one application per edge.
        let mut heap = Heap::default();
        let errors = error_dag(&mut heap, 40);
        let (result, work) = count(&mut heap, |h| h.to_js_string(&Value::Object(errors[40])));
        assert_eq!(thrown(&mut heap, result), "RangeError: Invalid string length");
        assert!(work <= 83, "{work} applications for 40 levels");
    }

    #[test]
    fn empty_texts_are_remembered_too() {
        // Errors with an empty name whose name and message are the next
        // Error: every text is "", and each Error is still converted once.
        let mut heap = Heap::default();
        let mut next = heap.ordinary_error_create(ErrorPrototype::Error);
        heap.define_property(next, "name".into(), OwnProperty::new_data(Value::from("")));
        for _ in 0..40 {
            let e = heap.ordinary_error_create(ErrorPrototype::Error);
            heap.define_property(e, "name".into(), OwnProperty::new_data(Value::Object(next)));
            heap.define_property(e, "message".into(), OwnProperty::new_data(Value::Object(next)));
            next = e;
        }
        let (empty, work) = count(&mut heap, |h| h.to_js_string(&Value::Object(next)).unwrap());
        assert!(empty.is_empty());
        assert!(work <= 2 * 40 + 3, "{work} applications");

        // A cut cycle's "" is not the Array's text: `b` is met inside its own
        // join (""), then in full.
        let b = heap.array_create(0);
        let c = array_of(&mut heap, &[Value::Object(b)]);
        heap.create_data_property(&b, "0".into(), Value::Object(c));
        heap.create_data_property(&b, "1".into(), Value::from("x"));
        let holder = array_of(&mut heap, &[Value::Object(b), Value::Object(b)]);
        assert_eq!(text(&mut heap, holder), ",x,,x");
    }

    #[test]
    fn an_array_dag_in_an_error_message_stays_linear() {
        let mut heap = Heap::default();
        let mut level = array_of(&mut heap, &[Value::from("x")]);
        let mut levels = vec![level];
        for _ in 0..60 {
            level = array_of(&mut heap, &[Value::Object(level), Value::Object(level)]);
            levels.push(level);
        }
        assert_eq!(text(&mut heap, levels[2]), "x,x,x,x");
        let error = heap.create_error(ErrorPrototype::TypeError, "");
        heap.define_property(
            error,
            "message".into(),
            OwnProperty::new_data(Value::Object(level)),
        );
        let (result, work) = count(&mut heap, |h| h.to_js_string(&Value::Object(error)));
        assert_eq!(thrown(&mut heap, result), "RangeError: Invalid string length");
        assert!(work <= 2 * 60 + 3, "{work} applications for 60 levels");

        // Below the limit the text is written once: 2^16 "x" and commas.
        let mut heap = Heap::default();
        let mut level = array_of(&mut heap, &[Value::from("x")]);
        for _ in 0..16 {
            level = array_of(&mut heap, &[Value::Object(level), Value::Object(level)]);
        }
        let (joined, work) = count(&mut heap, |h| h.to_js_string(&Value::Object(level)).unwrap());
        assert_eq!(joined.len(), (1 << 17) - 1);
        assert!(work <= 2 * 16 + 2, "{work}");
    }

    #[test]
    fn texts_are_kept_between_conversions_until_the_heap_changes() {
        let mut heap = Heap::default();
        // A chain of 900 Arrays, each holding the next, ending in "end".
        let mut chain = array_of(&mut heap, &[Value::from("end")]);
        for _ in 0..900 {
            chain = array_of(&mut heap, &[Value::Object(chain), Value::from("")]);
        }
        let holders: Vec<ObjectId> = (0..1000)
            .map(|_| array_of(&mut heap, &[Value::Object(chain)]))
            .collect();
        let (first, work) = count(&mut heap, |h| text(h, holders[0]));
        assert!(first.starts_with("end,") && first.len() == 3 + 900);
        assert!(work <= 2 * 902, "{work}");
        // The other 999 holders reuse the chain's text: two applications each.
        let (_, work) = count(&mut heap, |h| {
            for &holder in &holders[1..] {
                assert_eq!(text(h, holder), first);
            }
        });
        assert_eq!(work, 2 * 999);
        // A change anywhere drops the kept texts.
        let innermost = ObjectId(chain.0 - 900);
        heap.create_data_property(&innermost, "0".into(), Value::from("END"));
        let (again, work) = count(&mut heap, |h| text(h, holders[1]));
        assert!(again.starts_with("END,"));
        assert!(work > 900);
    }

    #[test]
    fn cycles_cut_as_engines_cut_them_and_are_not_kept() {
        let mut heap = Heap::default();
        // b = [1, b, c], c = [b, 2]: ToString(b) is V8's "1,,,2".
        let b = heap.array_create(0);
        let c = array_of(&mut heap, &[Value::Object(b), Value::Number(2.0)]);
        heap.create_data_property(&b, "0".into(), Value::Number(1.0));
        heap.create_data_property(&b, "1".into(), Value::Object(b));
        heap.create_data_property(&b, "2".into(), Value::Object(c));
        assert_eq!(text(&mut heap, b), "1,,,2");
        // c's text inside b (",2") depended on b being joined around it, so
        // it was not kept: c alone is V8's "1,,,2".
        assert_eq!(text(&mut heap, c), "1,,,2");
        // Within one conversion an object keeps its first text: V8 gives
        // "1,,,2,1,,,2" here (see text.rs).
        let both = array_of(&mut heap, &[Value::Object(b), Value::Object(c)]);
        assert_eq!(text(&mut heap, both), "1,,,2,,2");

        // An Error met again is converted again, as in engines: through an
        // Array that then cuts the cycle...
        let e = heap.ordinary_error_create(ErrorPrototype::Error);
        let a = array_of(&mut heap, &[Value::Object(e)]);
        heap.define_property(e, "message".into(), OwnProperty::new_data(Value::Object(a)));
        assert_eq!(text(&mut heap, e), "Error: Error");
        // ...or until the depth limit, after a bounded number of steps.
        let selfish = heap.ordinary_error_create(ErrorPrototype::Error);
        heap.define_property(
            selfish,
            "message".into(),
            OwnProperty::new_data(Value::Object(selfish)),
        );
        let (result, work) = count(&mut heap, |h| h.to_js_string(&Value::Object(selfish)));
        assert_eq!(
            thrown(&mut heap, result),
            "RangeError: Maximum call stack size exceeded"
        );
        assert!(work <= 2 * 1000 + 3, "{work}");
        // A cycle of Errors and RegExps with no Array's join in it throws the
        // depth limit's RangeError as soon as it closes, and one through a
        // join is cut by the join instead.
        let outer = heap.ordinary_error_create(ErrorPrototype::TypeError);
        let pattern = heap.alloc(ObjectKind::RegExp(Box::new(crate::ecmascript::RegExpSlots {
            source: JsString::from("a"),
            flags: JsString::default(),
        })));
        heap.define_property(
            outer,
            "name".into(),
            OwnProperty::new_data(Value::Object(pattern)),
        );
        heap.define_property(
            pattern,
            "source".into(),
            OwnProperty::new_data(Value::Object(outer)),
        );
        let (result, work) = count(&mut heap, |h| h.to_js_string(&Value::Object(outer)));
        assert_eq!(
            thrown(&mut heap, result),
            "RangeError: Maximum call stack size exceeded"
        );
        assert!(work <= 3, "{work}");
        let joined = array_of(&mut heap, &[Value::Object(outer)]);
        heap.define_property(
            pattern,
            "source".into(),
            OwnProperty::new_data(Value::Object(joined)),
        );
        // The join cuts it: the inner `outer` is named "//" (its RegExp's
        // source, the Array, met again is ""), the outer one "/" + that + "/".
        assert_eq!(text(&mut heap, outer), "////");
    }

    #[test]
    fn typed_arrays_over_shared_memory_are_read_afresh() {
        let mut heap = Heap::default();
        let block = SharedDataBlock::new(vec![1, 2]);
        let buffer = heap.alloc(ObjectKind::array_buffer_of(ArrayBufferState::Shared {
            block: block.clone(),
            max_byte_length: None,
        }));
        let view = heap.alloc(ObjectKind::View {
            kind: ViewKind::Uint8Array,
            buffer,
            byte_offset: 0,
            length: Some(2),
        });
        let holder = array_of(&mut heap, &[Value::Object(view)]);
        assert_eq!(text(&mut heap, holder), "1,2");
        // Another agent writes the block: nothing of this heap changed.
        block
            .bytes()
            .expect("the built-in kind")
            .with(|bytes| bytes[0] = 9);
        assert_eq!(text(&mut heap, holder), "9,2");
    }

    #[test]
    fn holes_inherit_unless_the_array_has_its_own_index() {
        let mut heap = Heap::default();
        let proto = heap.object_prototype();
        for (index, value) in [("0", "p0"), ("2", "p2"), ("5", "p5")] {
            heap.define_property(proto, index.into(), OwnProperty::new_data(Value::from(value)));
        }
        let a = heap.array_create(4);
        heap.create_data_property(&a, "2".into(), Value::from("own"));
        heap.create_data_property(&a, "3".into(), Value::Null);
        assert_eq!(text(&mut heap, a), "p0,,own,");
    }

    #[test]
    fn a_realm_may_have_a_lower_limit() {
        let mut heap = Heap::default();
        let x = array_of(&mut heap, &[Value::from("0123456789".repeat(3).as_str())]);
        let pair = array_of(&mut heap, &[Value::Object(x), Value::Object(x)]);
        assert_eq!(text(&mut heap, pair).len(), 61);
        // (The RangeError's own text, 33 units, must fit too.)
        heap.set_max_string_length(40);
        let result = heap.to_js_string(&Value::Object(pair));
        assert_eq!(thrown(&mut heap, result), "RangeError: Invalid string length");
        assert_eq!(text(&mut heap, x).len(), 30);
        heap.set_max_string_length(usize::MAX);
        assert_eq!(text(&mut heap, pair).len(), 61);
    }

    #[test]
    fn sparse_arrays_write_their_commas_as_runs() {
        let mut heap = Heap::default();
        let sparse = heap.array_create(1 << 24);
        heap.create_data_property(&sparse, "7".into(), Value::from("x"));
        let (joined, work) = count(&mut heap, |h| h.to_js_string(&Value::Object(sparse)).unwrap());
        assert_eq!(joined.len(), (1 << 24) - 1 + 1);
        assert_eq!(work, 2);
        let too_long = heap.array_create((1 << 24) + 2);
        let result = heap.to_js_string(&Value::Object(too_long));
        assert_eq!(thrown(&mut heap, result), "RangeError: Invalid string length");
    }
}

mod object_prototype_methods {
    use super::super::*;

    fn outcome(heap: &mut Heap, o: ObjectId) -> Result<String, String> {
        match heap.to_js_string(&Value::Object(o)) {
            Ok(s) => Ok(s.to_string_lossy()),
            Err(Exception(Value::Object(e))) => match heap.object(e).kind {
                ObjectKind::Error { prototype, .. } => Err(prototype.name().to_owned()),
                _ => Err("an object".to_owned()),
            },
            Err(Exception(other)) => Err(format!("{other:?}")),
        }
    }

    /// [[Get]] of `toString` and `valueOf` reaches %Object.prototype%'s own
    /// properties unless an intrinsic prototype in between has the method.
    #[test]
    fn object_prototype_methods_are_what_get_finds() {
        let mut heap = Heap::default();
        let proto = heap.object_prototype();
        heap.define_property(
            proto,
            "toString".into(),
            OwnProperty::new_data(Value::Number(1.0)),
        );
        let plain = heap.alloc(ObjectKind::Ordinary);
        let map = heap.alloc(ObjectKind::Map(Vec::new()));
        assert_eq!(outcome(&mut heap, plain), Err("TypeError".to_owned()));
        assert_eq!(outcome(&mut heap, map), Err("TypeError".to_owned()));
        // Error.prototype.toString and Number.prototype.toString come first.
        let error = heap.create_error(ErrorPrototype::RangeError, "m");
        assert_eq!(outcome(&mut heap, error), Ok("RangeError: m".to_owned()));
        let number = heap.alloc(ObjectKind::NumberWrapper(2.0));
        assert_eq!(outcome(&mut heap, number), Ok("2".to_owned()));
        // A callable one is taken as the built-in.
        let f = heap.alloc(ObjectKind::Function);
        heap.define_property(proto, "toString".into(), OwnProperty::new_data(Value::Object(f)));
        assert_eq!(outcome(&mut heap, map), Ok("[object Map]".to_owned()));
        // An Error whose own toString fails reaches %Object.prototype%'s valueOf.
        heap.define_property(error, "toString".into(), OwnProperty::new_data(Value::Null));
        heap.define_property(
            proto,
            "valueOf".into(),
            OwnProperty::Accessor {
                getter: Box::new(Accessor::Throws(Value::from("from valueOf"))),
                enumerable: false,
                configurable: true,
            },
        );
        assert_eq!(
            outcome(&mut heap, error),
            Err("String(\"from valueOf\")".to_owned())
        );
    }
}
