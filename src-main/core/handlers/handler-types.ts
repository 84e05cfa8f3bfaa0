import type { z } from 'zod'
import type { MethodName, MethodOutput, Methods } from '../../../src-shared/contract'

/** What a handler receives: the contract's input, already parsed (defaults applied). */
export type HandlerInput<K extends MethodName> = z.output<Methods[K]['input']>

export type Handler<K extends MethodName> = (input: HandlerInput<K>) => MethodOutput<K> | Promise<MethodOutput<K>>

/**
 * A group of handlers (orders, sync, settings...). Write a group as
 * `{ ... } satisfies HandlerMap` so each handler's input is typed from the
 * contract and a name that is not in the contract is a compile error.
 */
export type HandlerMap = { readonly [K in MethodName]?: Handler<K> }

export type CompleteHandlerMap = { readonly [K in MethodName]: Handler<K> }
