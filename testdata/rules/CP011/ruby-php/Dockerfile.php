FROM composer:2.8 AS deps
FROM php:8.3-fpm
WORKDIR /var/www/html
COPY composer.json composer.lock ./
RUN composer install --no-dev
