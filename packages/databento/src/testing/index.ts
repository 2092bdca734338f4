export * from './mock-databento-server.js';
