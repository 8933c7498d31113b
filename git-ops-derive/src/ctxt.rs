//! The error collector: every check reports here, and the derive drains it
//! once, so the user sees every problem of one expansion at once.

use std::cell::RefCell;
use std::fmt::Display;
use std::thread;

use proc_macro2::Span;
use quote::ToTokens;

/// Collects errors during one expansion. Must be drained with
/// [`Ctxt::check`].
#[derive(Default)]
pub struct Ctxt {
    state: RefCell<Option<State>>,
}

#[derive(Default)]
struct State {
    errors: Vec<syn::Error>,
    /// An input serde itself rejects: emit stubs, but no error of ours.
    deferred: bool,
}

/// How an expansion failed.
pub enum Failure {
    /// Our errors, combined.
    Errors(syn::Error),
    /// serde reports the problem; we only emit stubs.
    Deferred,
}

impl Ctxt {
    /// A fresh collector.
    pub fn new() -> Self {
        Ctxt {
            state: RefCell::new(Some(State::default())),
        }
    }

    fn with<R>(&self, f: impl FnOnce(&mut State) -> R) -> R {
        f(self
            .state
            .borrow_mut()
            .as_mut()
            .expect("Ctxt used after check()"))
    }

    /// An error spanning `tokens`.
    pub fn error_spanned_by<T: ToTokens>(&self, tokens: T, message: impl Display) {
        self.syn_error(syn::Error::new_spanned(tokens.into_token_stream(), message));
    }

    /// An error at `span`.
    pub fn error_at(&self, span: Span, message: impl Display) {
        self.syn_error(syn::Error::new(span, message));
    }

    /// An error from syn.
    pub fn syn_error(&self, error: syn::Error) {
        self.with(|s| s.errors.push(error));
    }

    /// Notes that serde rejects this input with its own error.
    pub fn defer_to_serde(&self) {
        self.with(|s| s.deferred = true);
    }

    /// Drains the collector.
    pub fn check(self) -> Result<(), Failure> {
        let state = self
            .state
            .borrow_mut()
            .take()
            .expect("check() called twice");
        let mut errors = state.errors.into_iter();
        match errors.next() {
            Some(mut combined) => {
                for error in errors {
                    combined.combine(error);
                }
                Err(Failure::Errors(combined))
            }
            None if state.deferred => Err(Failure::Deferred),
            None => Ok(()),
        }
    }
}

impl Drop for Ctxt {
    fn drop(&mut self) {
        if !thread::panicking() && self.state.borrow().is_some() {
            panic!("forgot to check for errors");
        }
    }
}
