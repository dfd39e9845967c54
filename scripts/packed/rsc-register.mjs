// `node --conditions=react-server --import <this file> app.mjs`: loads modules as a React Server
// Components bundler does (see rsc-hooks.mjs).
import { register } from 'node:module';

register('./rsc-hooks.mjs', import.meta.url);
