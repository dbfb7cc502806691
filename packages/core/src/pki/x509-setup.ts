// @peculiar/x509 2.2 needs the Reflect metadata polyfill loaded before it is imported.
// Every module of pki/ imports x509 through this file so that the order always holds.
import 'reflect-metadata';

export * as x509 from '@peculiar/x509';
